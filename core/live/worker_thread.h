// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QThread>

namespace dofa {

/// RAII owner of a QThread and the worker QObject that lives on it.
///
/// The constructor moves the worker (which must have no parent) to a new thread and starts the
/// thread's event loop; work is handed to the worker by queued calls. stopAndWait() quits the
/// event loop and joins up to a timeout: on a clean join the worker has been deleted on its own
/// thread (QThread::finished -> deleteLater) and the thread is deleted; on a timeout both are
/// left to delete themselves when the thread finishes. terminate() is never called: a thread
/// killed mid-inference or mid-capture would leave locks and drivers in an unknown state.
class WorkerThread
{
public:
    WorkerThread(QObject* worker, const QString& name);
    ~WorkerThread();  ///< stopAndWait(kDefaultTimeoutMs)
    WorkerThread(const WorkerThread&) = delete;
    WorkerThread& operator=(const WorkerThread&) = delete;

    static constexpr int kDefaultTimeoutMs = 5000;

    /// True when the thread ended within `timeoutMs` (the worker is then deleted). Idempotent.
    bool stopAndWait(int timeoutMs = kDefaultTimeoutMs);

    [[nodiscard]] QThread* thread() const { return m_thread; }
    [[nodiscard]] bool isRunning() const { return m_thread && m_thread->isRunning(); }

private:
    QThread* m_thread = nullptr;
    QPointer<QObject> m_worker;
};

}  // namespace dofa
