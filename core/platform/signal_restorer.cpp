// SPDX-License-Identifier: MIT
#include "platform/signal_restorer.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dofa {

namespace {

enum PlanState : int { kFree = 0, kArmed = 1 };

struct Step
{
    int fd = -1;
    bool regular = false;  ///< a plain file (fixtures): truncate after writing
    int len = 0;
    char value[SignalRestorer::kMaxValueBytes] = {};
};

struct Plan
{
    std::atomic<int> state{kFree};
    int count = 0;
    Step steps[SignalRestorer::kMaxSteps];
};

Plan g_plans[SignalRestorer::kMaxPlans];
std::atomic<int> g_top{0};  ///< one past the highest used slot: newer plans sit higher
std::mutex g_mutex;
std::atomic<bool> g_installed{false};
struct sigaction g_previous[2];  // SIGINT, SIGTERM
constexpr int kSignals[2] = {SIGINT, SIGTERM};

/// Async-signal-safe.
void replayPlan(const Plan& plan)
{
    for (int i = 0; i < plan.count; ++i) {
        const Step& s = plan.steps[i];
        if (s.fd < 0)
            continue;
        ::lseek(s.fd, 0, SEEK_SET);
        ssize_t n;
        do {
            n = ::write(s.fd, s.value, static_cast<size_t>(s.len));
        } while (n < 0 && errno == EINTR);
        if (s.regular && n == s.len)
            (void)::ftruncate(s.fd, s.len);
    }
}

void onSignal(int sig, siginfo_t* info, void* context)
{
    const int savedErrno = errno;
    for (int i = g_top.load(std::memory_order_acquire) - 1; i >= 0; --i)
        if (g_plans[i].state.load(std::memory_order_acquire) == kArmed)
            replayPlan(g_plans[i]);
    const struct sigaction& prev = g_previous[sig == SIGINT ? 0 : 1];
    errno = savedErrno;
    if (prev.sa_flags & SA_SIGINFO) {
        if (prev.sa_sigaction)
            prev.sa_sigaction(sig, info, context);
    } else if (prev.sa_handler == SIG_IGN) {
        return;
    } else if (prev.sa_handler == SIG_DFL) {
        // Terminate as the signal would have: the exit status still says which signal.
        struct sigaction dfl = {};
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        ::sigaction(sig, &dfl, nullptr);
        ::raise(sig);  // delivered when this handler returns (the signal is blocked until then)
    } else {
        prev.sa_handler(sig);
    }
}

}  // namespace

void SignalRestorer::installHandlers()
{
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_installed.load())
        return;
    for (int i = 0; i < 2; ++i) {
        struct sigaction sa = {};
        sa.sa_sigaction = onSignal;
        sa.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&sa.sa_mask);
        sigaddset(&sa.sa_mask, SIGINT);  // one handler at a time
        sigaddset(&sa.sa_mask, SIGTERM);
        ::sigaction(kSignals[i], &sa, &g_previous[i]);
    }
    g_installed.store(true);
}

Result<int> SignalRestorer::arm(const std::vector<RestoreStep>& steps)
{
    if (steps.size() > static_cast<std::size_t>(kMaxSteps))
        return Result<int>::fail("restore plan of " + std::to_string(steps.size()) +
                                 " steps (at most " + std::to_string(kMaxSteps) + ")");
    std::lock_guard<std::mutex> lock(g_mutex);
    const int slot = g_top.load();
    if (slot >= kMaxPlans)
        return Result<int>::fail("too many knobs under restore (" + std::to_string(kMaxPlans) +
                                 ")");
    Plan& plan = g_plans[slot];
    plan.count = 0;
    for (const RestoreStep& step : steps) {
        const std::string line = step.value + "\n";
        if (line.size() > static_cast<std::size_t>(kMaxValueBytes)) {
            for (int i = 0; i < plan.count; ++i)
                ::close(plan.steps[i].fd);
            return Result<int>::fail("value to restore in " + step.path + " is too long");
        }
        const int fd = ::open(step.path.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
            const int err = errno;
            for (int i = 0; i < plan.count; ++i)
                ::close(plan.steps[i].fd);
            return Result<int>::fail("cannot open " + step.path +
                                     " to restore it later: " + std::strerror(err));
        }
        struct stat st = {};
        Step& s = plan.steps[plan.count++];
        s.fd = fd;
        s.regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
        s.len = static_cast<int>(line.size());
        std::memcpy(s.value, line.data(), line.size());
    }
    plan.state.store(kArmed, std::memory_order_release);
    g_top.store(slot + 1, std::memory_order_release);
    return Result<int>::ok(slot);
}

void SignalRestorer::replay(int token)
{
    if (token < 0 || token >= kMaxPlans)
        return;
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_plans[token].state.load() == kArmed)
        replayPlan(g_plans[token]);
}

void SignalRestorer::disarm(int token)
{
    if (token < 0 || token >= kMaxPlans)
        return;
    std::lock_guard<std::mutex> lock(g_mutex);
    Plan& plan = g_plans[token];
    if (plan.state.load() != kArmed)
        return;
    plan.state.store(kFree, std::memory_order_release);
    for (int i = 0; i < plan.count; ++i) {
        ::close(plan.steps[i].fd);
        plan.steps[i].fd = -1;
    }
    plan.count = 0;
    // Shrink the top over freed slots so that new plans stay above older live ones.
    int top = g_top.load();
    while (top > 0 && g_plans[top - 1].state.load() == kFree)
        --top;
    g_top.store(top, std::memory_order_release);
}

int SignalRestorer::armedCount()
{
    std::lock_guard<std::mutex> lock(g_mutex);
    int n = 0;
    for (int i = 0; i < g_top.load(); ++i)
        n += g_plans[i].state.load() == kArmed ? 1 : 0;
    return n;
}

}  // namespace dofa
