// SPDX-License-Identifier: MIT
#include "live/queued_call.h"

#include <QCoreApplication>

#include "live/thread_handover.h"

namespace dofa {

QueuedCall::QueuedCall(std::function<void()> call) : QEvent(eventType()), m_call(std::move(call)) {}

QueuedCall::~QueuedCall()
{
    // Deleted where it was delivered, or undelivered with its receiver: either way on the
    // receiver's thread, where the captures are destroyed.
    receiveHandover(this);
}

QEvent::Type QueuedCall::eventType()
{
    static const auto type = static_cast<QEvent::Type>(QEvent::registerEventType());
    return type;
}

void QueuedCall::post(QObject* receiver, std::function<void()> call)
{
    auto* event = new QueuedCall(std::move(call));
    markHandover(event);
    QCoreApplication::postEvent(receiver, event);  // takes ownership
}

bool QueuedCall::handle(QEvent* event)
{
    if (event->type() != eventType())
        return false;
    auto* call = static_cast<QueuedCall*>(event);
    receiveHandover(call);
    if (call->m_call)
        call->m_call();
    return true;
}

}  // namespace dofa
