// SPDX-License-Identifier: MIT
#include "run/competing_load.h"

#include <cmath>
#include <stdexcept>

#include <torch/torch.h>

#include "model/inference_threads.h"
#include "platform/affinity_knob.h"
#include "supernet/static_subnet.h"
#include <sched.h>

namespace dofa {

std::unique_ptr<CompetingLoad> CompetingLoad::cpu(int threads, const std::string& cores)
{
    if (threads < 1) {
        throw std::invalid_argument("cpu load needs at least 1 thread, got " +
                                    std::to_string(threads));
    }
    // Unpinned, it may use every core the process may use: its threads would otherwise inherit
    // the affinity of the thread that starts them, which may be pinned to the model's core.
    cpu_set_t set;
    CPU_ZERO(&set);
    if (cores.empty()) {
        for (int c = 0; c < CPU_SETSIZE; ++c) {
            CPU_SET(c, &set);
        }
    } else {
        const auto cpus = AffinityKnob::parseCpuList(cores);
        if (!cpus) {
            throw std::invalid_argument("cpu load: " + cpus.error());
        }
        for (int c : cpus.value()) {
            CPU_SET(c, &set);
        }
    }
    std::unique_ptr<CompetingLoad> load(new CompetingLoad(
        "cpu x " + std::to_string(threads) + (threads == 1 ? " thread" : " threads") +
        (cores.empty() ? std::string() : " on cores " + cores)));
    std::atomic<int> pinFailures{0};
    for (int i = 0; i < threads; ++i) {
        load->m_threads.emplace_back([l = load.get(), i, pin = !cores.empty(), set, &pinFailures] {
            // Placed before it reports in: cpu() returns with every thread where it belongs.
            if (sched_setaffinity(0, sizeof(set), &set) != 0 && pin) {
                pinFailures.fetch_add(1);
            }
            l->recordThreadId();
            // Dependent floating-point work the compiler cannot drop; counted in blocks so the
            // atomic is not the bottleneck.
            double x = 1.0 + i;
            while (!l->m_stop.load(std::memory_order_relaxed)) {
                for (int k = 0; k < 100000; ++k) {
                    x = std::sqrt(x * 1.000001 + 0.5);
                }
                l->m_work.fetch_add(1, std::memory_order_relaxed);
            }
            volatile double sink = x;
            (void)sink;
        });
    }
    load->awaitThreadIds(static_cast<std::size_t>(threads));
    if (pinFailures.load() > 0) {
        throw std::invalid_argument("cpu load: cannot pin to cores " + cores +
                                    " (not allowed to this process?)");
    }
    return load;
}

std::unique_ptr<CompetingLoad> CompetingLoad::model(std::shared_ptr<const StaticSubnet> net,
                                                    int inChannels, int intraOpThreads)
{
    if (!net) {
        throw std::invalid_argument("model load needs a network");
    }
    const int threads = intraOpThreads > 0 ? intraOpThreads : torch::get_num_threads();
    std::unique_ptr<CompetingLoad> load(
        new CompetingLoad("model " + net->arch().toString() + " (" + std::to_string(threads) +
                          (threads == 1 ? " thread)" : " threads)")));
    load->m_threads.emplace_back([l = load.get(), net, inChannels, threads] {
        l->recordThreadId();
        // OpenMP keeps the team size per calling thread: set it on this one.
        setInferenceThreads(threads);
        torch::NoGradGuard noGrad;
        const torch::Tensor x = torch::randn({1, inChannels, net->resolution(), net->resolution()});
        while (!l->m_stop.load(std::memory_order_relaxed)) {
            (void)net->forward(x);
            l->m_work.fetch_add(1, std::memory_order_relaxed);
        }
    });
    load->awaitThreadIds(1);
    return load;
}

void CompetingLoad::recordThreadId()
{
    std::lock_guard<std::mutex> lock(m_tidMutex);
    m_tids.push_back(AffinityKnob::currentThreadId());
    m_tidReady.notify_all();
}

void CompetingLoad::awaitThreadIds(std::size_t count)
{
    std::unique_lock<std::mutex> lock(m_tidMutex);
    m_tidReady.wait(lock, [&] { return m_tids.size() >= count; });
}

std::vector<pid_t> CompetingLoad::threadIds() const
{
    std::lock_guard<std::mutex> lock(m_tidMutex);
    return m_tids;
}

CompetingLoad::~CompetingLoad()
{
    m_stop = true;
    for (std::thread& t : m_threads) {
        t.join();
    }
}

}  // namespace dofa
