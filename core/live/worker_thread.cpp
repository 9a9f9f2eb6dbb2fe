// SPDX-License-Identifier: MIT
#include "worker_thread.h"

#include "live/live_log.h"
#include "live/thread_handover.h"

namespace dofa {

WorkerThread::WorkerThread(QObject* worker, const QString& name)
    : m_thread(new QThread), m_worker(worker)
{
    m_thread->setObjectName(name);
    worker->moveToThread(m_thread);
    // Deferred deletes are processed after finished(), on the worker's thread: the worker's
    // destructor runs where its members (pipeline, monitors, knobs) were used.
    QObject::connect(m_thread, &QThread::finished, worker, &QObject::deleteLater);
    // The worker's last act on its thread (its destructor has run): stopAndWait()'s join is
    // inside Qt, where ThreadSanitizer cannot see it.
    QThread* thread = m_thread;
    QObject::connect(worker, &QObject::destroyed, [thread] { markHandover(thread); });
    m_thread->start();
}

WorkerThread::~WorkerThread()
{
    stopAndWait(kDefaultTimeoutMs);
}

bool WorkerThread::stopAndWait(int timeoutMs)
{
    if (!m_thread) {
        return true;
    }
    m_thread->quit();
    if (m_thread->wait(timeoutMs)) {
        receiveHandover(m_thread);
        delete m_thread;
        m_thread = nullptr;
        return true;
    }
    // Still busy: let the thread delete itself when it is done (never terminate()).
    QThread* thread = m_thread;
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    m_thread = nullptr;
    qCWarning(lcLive, "worker thread %s did not stop within %d ms; left to finish on its own",
              qPrintable(thread->objectName()), timeoutMs);
    return false;
}

}  // namespace dofa
