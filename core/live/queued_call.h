// SPDX-License-Identifier: MIT
#pragma once

#include <QEvent>
#include <functional>

class QObject;

namespace dofa {

/// A call handed to a QObject's thread as a posted event: the controller's commands to the live
/// worker (typed values captured by a functor, no method names, no text).
///
/// Why an event of its own and not QMetaObject::invokeMethod with a functor: ThreadSanitizer
/// cannot see Qt's event queue synchronise (Debian's Qt is not built with it, and its lock is a
/// futex). The functor's captures are written on the posting thread and read on the
/// receiver's, so whenever the receiver is busy (no wake-up through the event dispatcher's
/// eventfd, which TSan does see) they show as races. invokeMethod builds its slot object after
/// any mark a caller could set; here the call is complete before it is posted, and a TSan
/// build marks the hand-over on the event's address (release in post(), acquire before the
/// call runs or is destroyed). Other builds compile the marks away.
class QueuedCall : public QEvent
{
public:
    ~QueuedCall() override;
    QueuedCall(const QueuedCall&) = delete;
    QueuedCall& operator=(const QueuedCall&) = delete;

    /// Posts `call` to run on `receiver`'s thread after the events already queued there. The
    /// receiver's event() must pass its events to handle(). A call still queued when the
    /// receiver is deleted is dropped.
    static void post(QObject* receiver, std::function<void()> call);
    /// Runs `event`'s call if it is a QueuedCall; returns whether it was.
    static bool handle(QEvent* event);

private:
    explicit QueuedCall(std::function<void()> call);
    static QEvent::Type eventType();

    std::function<void()> m_call;
};

}  // namespace dofa
