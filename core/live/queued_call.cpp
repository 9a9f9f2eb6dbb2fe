// SPDX-License-Identifier: MIT
#include "live/queued_call.h"

#include <QCoreApplication>

#if defined(__SANITIZE_THREAD__)
#define DOFA_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define DOFA_TSAN 1
#endif
#endif
#ifdef DOFA_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace dofa {

namespace {

/// The posting side of the hand-over: everything written before it is visible after acquire().
void release([[maybe_unused]] void* address)
{
#ifdef DOFA_TSAN
    __tsan_release(address);
#endif
}

void acquire([[maybe_unused]] void* address)
{
#ifdef DOFA_TSAN
    __tsan_acquire(address);
#endif
}

}  // namespace

QueuedCall::QueuedCall(std::function<void()> call) : QEvent(eventType()), m_call(std::move(call)) {}

QueuedCall::~QueuedCall()
{
    // Deleted where it was delivered, or undelivered with its receiver: either way on the
    // receiver's thread, where the captures are destroyed.
    acquire(this);
}

QEvent::Type QueuedCall::eventType()
{
    static const auto type = static_cast<QEvent::Type>(QEvent::registerEventType());
    return type;
}

void QueuedCall::post(QObject* receiver, std::function<void()> call)
{
    auto* event = new QueuedCall(std::move(call));
    release(event);
    QCoreApplication::postEvent(receiver, event);  // takes ownership
}

bool QueuedCall::handle(QEvent* event)
{
    if (event->type() != eventType())
        return false;
    auto* call = static_cast<QueuedCall*>(event);
    acquire(call);
    if (call->m_call)
        call->m_call();
    return true;
}

}  // namespace dofa
