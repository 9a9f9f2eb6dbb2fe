// SPDX-License-Identifier: MIT
// What glibc's malloc thresholds cost a forward pass (core/model/inference_memory.h): the same
// sub-networks timed in child processes with glibc's default, dynamic thresholds and with
// keepInferenceMemory()'s fixed ones, alternating, on 1 thread. A child is a fresh process, so
// nothing freed before the timing raises the default threshold (as a long-running bench would).
// Prints the mean ms, the minor page faults per forward and the ratio; asserts nothing.
// Usage: inference_memory_bench [--rounds N]   (a child: --child default|kept)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "model/inference_memory.h"
#include "model/inference_threads.h"
#include "search/latency_meter.h"
#include "supernet/model_file.h"
#include "supernet/supernet.h"
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace dofa;

namespace {

struct Case
{
    const char* name;
    std::string preset;
    bool max;
    int r;
};

const std::vector<Case> kCases = {{"ofa-w1.0 max@224", "ofa-mbv3-w1.0", true, 224},
                                  {"ofa-w1.0 min@224", "ofa-mbv3-w1.0", false, 224},
                                  {"ofa-w1.0 min@128", "ofa-mbv3-w1.0", false, 128},
                                  {"fmnist max@28", "fmnist-mbv3", true, 28}};

long minorFaults()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_minflt;
}

/// One child: every case, "name ms faults-per-forward" lines on stdout.
int child(bool kept)
{
    if (kept) {
        keepInferenceMemory();
    }
    // setInferenceThreads would keep the memory too: set the counts alone.
    at::set_num_threads(1);
    torch::manual_seed(1);
    for (const Case& c : kCases) {
        const SupernetSpec spec = SupernetSpec::preset(c.preset);
        Supernet net(spec);
        net->eval();
        SubnetArch arch = c.max ? SubnetArch::max(spec) : SubnetArch::min(spec);
        arch.r = c.r;
        const StaticSubnet sub = net->extract(arch);
        const torch::Tensor x = torch::randn({1, spec.inChannels, c.r, c.r});
        c10::InferenceMode guard;
        const int runs = c.r >= 200 ? 30 : 100;
        const long before = minorFaults();
        const LatencyStats s = timeRuns([&] { (void)sub.forward(x); }, 5, runs);
        const double faults = static_cast<double>(minorFaults() - before) / (runs + 5);
        std::printf("%s|%.3f|%.1f\n", c.name, s.mean, faults);
    }
    return 0;
}

std::vector<std::pair<double, double>> runChild(const char* self, const char* mode)
{
    std::string cmd = std::string(self) + " --child " + mode;
    FILE* p = popen(cmd.c_str(), "r");
    std::vector<std::pair<double, double>> out;
    char line[256];
    while (p && std::fgets(line, sizeof line, p)) {
        const char* a = std::strchr(line, '|');
        const char* b = a ? std::strchr(a + 1, '|') : nullptr;
        if (a && b) {
            out.emplace_back(std::atof(a + 1), std::atof(b + 1));
        }
    }
    if (p) {
        pclose(p);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc > 2 && std::strcmp(argv[1], "--child") == 0) {
        return child(std::strcmp(argv[2], "kept") == 0);
    }
    int rounds = 3;
    if (argc > 2 && std::strcmp(argv[1], "--rounds") == 0) {
        rounds = std::max(1, std::atoi(argv[2]));
    }
    std::printf(
        "# inference_memory_bench: 1 thread, batch 1, random weights; mean ms per forward "
        "and minor page faults per forward, best of %d alternating child processes\n",
        rounds);
    std::printf("# glibc default: dynamic mmap/trim thresholds; kept: %s\n",
                "mmap 32 MiB, trim 256 MiB (keepInferenceMemory)");
    std::vector<std::pair<double, double>> best[2];
    for (int r = 0; r < rounds; ++r) {
        for (int kept = 0; kept < 2; ++kept) {
            const auto got = runChild(argv[0], kept ? "kept" : "default");
            if (got.size() != kCases.size()) {
                std::fprintf(stderr, "inference_memory_bench: a child printed %zu of %zu cases\n",
                             got.size(), kCases.size());
                return 1;
            }
            if (best[kept].empty()) {
                best[kept] = got;
            }
            for (size_t i = 0; i < got.size(); ++i) {
                if (got[i].first < best[kept][i].first) {
                    best[kept][i] = got[i];
                }
            }
        }
    }
    std::printf("%-18s | %10s %8s | %10s %8s | %7s\n", "case", "default ms", "faults", "kept ms",
                "faults", "ratio");
    for (size_t i = 0; i < kCases.size(); ++i) {
        std::printf("%-18s | %10.3f %8.1f | %10.3f %8.1f | %7.2f\n", kCases[i].name,
                    best[0][i].first, best[0][i].second, best[1][i].first, best[1][i].second,
                    best[0][i].first / best[1][i].first);
    }
    return 0;
}
