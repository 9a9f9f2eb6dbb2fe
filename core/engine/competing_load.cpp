// SPDX-License-Identifier: MIT
#include "competing_load.h"

#include <cmath>
#include <stdexcept>

#include <torch/torch.h>

#include "inference_threads.h"
#include "supernet/static_subnet.h"

namespace dofa {

std::unique_ptr<CompetingLoad> CompetingLoad::cpu(int threads)
{
    if (threads < 1) {
        throw std::invalid_argument("cpu load needs at least 1 thread, got " +
                                    std::to_string(threads));
    }
    std::unique_ptr<CompetingLoad> load(new CompetingLoad("cpu x " + std::to_string(threads) +
                                                          (threads == 1 ? " thread" : " threads")));
    for (int i = 0; i < threads; ++i) {
        load->m_threads.emplace_back([l = load.get(), i] {
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
        // OpenMP keeps the team size per calling thread: set it on this one.
        setInferenceThreads(threads);
        torch::NoGradGuard noGrad;
        const torch::Tensor x = torch::randn({1, inChannels, net->resolution(), net->resolution()});
        while (!l->m_stop.load(std::memory_order_relaxed)) {
            (void)net->forward(x);
            l->m_work.fetch_add(1, std::memory_order_relaxed);
        }
    });
    return load;
}

CompetingLoad::~CompetingLoad()
{
    m_stop = true;
    for (std::thread& t : m_threads) {
        t.join();
    }
}

}  // namespace dofa
