// SPDX-License-Identifier: MIT
// How many threads inference really uses, per thread that runs it (issue "Latency truth"). OpenMP
// keeps its thread count per thread, so torch::set_num_threads on the main thread does not reach
// a worker thread; OpenBLAS built for pthreads keeps a pool of its own. For each way of running
// the forward passes of a network (on the main thread; on a new std::thread as it starts; on a
// new thread after setInferenceThreads) it prints what that thread sees (LibTorch's intra-op
// count, OpenMP's, the BLAS library and its threads), how many OS threads of the process were on
// a CPU for more than 5 % of the wall time meanwhile (from /proc/self/task/*/schedstat), the
// process's CPU time per wall time, and the median ms per forward. Asserts nothing.
// Usage: inference_threads_bench [--quick]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

#include "model/inference_threads.h"
#include "supernet/model_file.h"
#include "supernet/static_subnet.h"
#include "supernet/supernet.h"

using namespace dofa;
using SteadyClock = std::chrono::steady_clock;

namespace {

/// Nanoseconds each OS thread of this process has spent on a CPU, by thread id.
std::map<std::string, long long> cpuNsByThread()
{
    std::map<std::string, long long> out;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
        std::ifstream in(task.path() / "schedstat");
        long long ns = 0;
        if (in >> ns) {
            out[task.path().filename().string()] = ns;
        }
    }
    return out;
}

struct Usage
{
    InferenceThreads seen;
    double medianMs = 0;
    int busyThreads = 0;    ///< OS threads on a CPU > 5 % of the wall time
    double cpuPerWall = 0;  ///< process CPU time / wall time
};

/// Runs `forward` `runs` times on the calling thread after `setUp`, and measures.
Usage measure(const std::function<void()>& setUp, const std::function<void()>& forward, int runs)
{
    setUp();
    c10::InferenceMode inference;  // thread-local, like OpenMP's count
    Usage u;
    u.seen = inferenceThreads();
    for (int i = 0; i < 10; ++i) {
        forward();
    }
    std::vector<double> ms;
    const auto before = cpuNsByThread();
    const auto t0 = SteadyClock::now();
    for (int i = 0; i < runs; ++i) {
        const auto s = SteadyClock::now();
        forward();
        ms.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - s).count());
    }
    const double wallNs = std::chrono::duration<double, std::nano>(SteadyClock::now() - t0).count();
    const auto after = cpuNsByThread();
    double cpuNs = 0;
    for (const auto& [tid, ns] : after) {
        const auto it = before.find(tid);
        const double used = static_cast<double>(ns - (it == before.end() ? 0 : it->second));
        cpuNs += used;
        u.busyThreads += used > 0.05 * wallNs ? 1 : 0;
    }
    u.cpuPerWall = cpuNs / wallNs;
    std::sort(ms.begin(), ms.end());
    u.medianMs = ms[ms.size() / 2];
    return u;
}

Usage onNewThread(const std::function<void()>& setUp, const std::function<void()>& forward,
                  int runs)
{
    Usage u;
    std::thread t([&] { u = measure(setUp, forward, runs); });
    t.join();
    return u;
}

}  // namespace

int main(int argc, char** argv)
{
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    torch::NoGradGuard noGrad;
    const std::string modelPath = DOFA_SOURCE_DIR "/resources/fmnist-mbv3.dofa";
    const ModelFile file = ModelFile::load(modelPath);
    Supernet fmnist = file.buildSupernet(modelPath);
    fmnist->eval();

    struct Net
    {
        std::string name;
        StaticSubnet net;
        int channels;
        int runs;
    };
    const std::vector<Net> nets = {{"fmnist min", fmnist->extract(SubnetArch::min(file.spec)),
                                    file.spec.inChannels, quick ? 200 : 800},
                                   {"fmnist max", fmnist->extract(SubnetArch::max(file.spec)),
                                    file.spec.inChannels, quick ? 100 : 400}};

    std::printf("# inference_threads_bench: LibTorch %s on %u cores; main thread: %s\n",
                TORCH_VERSION, std::thread::hardware_concurrency(),
                inferenceThreads().describe().c_str());
    std::printf("%-18s %2s %-36s | %-44s | %4s %6s %9s\n", "network", "th", "runs on",
                "what that thread sees", "busy", "cpu/s", "median ms");
    for (const Net& n : nets) {
        const torch::Tensor x =
            torch::randn({1, n.channels, n.net.resolution(), n.net.resolution()});
        const auto forward = [&] { (void)n.net.forward(x); };
        for (int threads : {1, 2}) {
            const auto set = [threads] { setInferenceThreads(threads); };
            const auto nothing = [] {};
            // The main thread is set first, as dofa's mains do; a new thread then inherits
            // nothing of it but ATen's lazily applied count.
            setInferenceThreads(threads);
            const std::vector<std::pair<std::string, Usage>> rows = {
                {"main thread, set there", measure(set, forward, n.runs)},
                {"new thread, set on main only", onNewThread(nothing, forward, n.runs)},
                {"new thread, set on it", onNewThread(set, forward, n.runs)}};
            for (const auto& [how, u] : rows) {
                char seen[128];
                std::snprintf(seen, sizeof seen, "intra-op %d, OpenMP %d, BLAS %s %d",
                              u.seen.intraOp, u.seen.openmp,
                              u.seen.blasThreading.empty() ? "ref" : u.seen.blasThreading.c_str(),
                              u.seen.blasThreads);
                std::printf("%-18s %2d %-36s | %-44s | %4d %6.2f %9.3f\n", n.name.c_str(), threads,
                            how.c_str(), seen, u.busyThreads, u.cpuPerWall, u.medianMs);
            }
        }
    }
    return 0;
}
