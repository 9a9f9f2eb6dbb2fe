// SPDX-License-Identifier: MIT
#include "model/inference_threads.h"

#include <algorithm>
#include <cstdio>

#include <ATen/Parallel.h>

#include "model/inference_memory.h"
#include <dlfcn.h>

namespace dofa {

namespace {

// OpenBLAS's own entry points, looked up at run time: Debian's libtorch links the generic
// libblas.so.3, which is OpenBLAS or the reference BLAS depending on what is installed. OpenMP's
// too: LibTorch loads libgomp, and dofa does not link it itself.
using GetIntFn = int (*)();
using SetIntFn = void (*)(int);

template <typename Fn>
Fn blasSymbol(const char* name)
{
    return reinterpret_cast<Fn>(::dlsym(RTLD_DEFAULT, name));
}

}  // namespace

std::string InferenceThreads::describe() const
{
    char text[512];
    std::snprintf(text, sizeof text, "intra-op %d, OpenMP %d, BLAS %s", intraOp, openmp,
                  blasLibrary.empty() ? "(none loaded)" : blasLibrary.c_str());
    std::string out = text;
    if (blasThreads >= 0) {
        std::snprintf(text, sizeof text, " (OpenBLAS, %s, %d thread%s)", blasThreading.c_str(),
                      blasThreads, blasThreads == 1 ? "" : "s");
        out += text;
    }
    return out;
}

InferenceThreads inferenceThreads()
{
    InferenceThreads t;
    // OpenMP's first: at::get_num_threads() applies ATen's count to a thread that has not run
    // anything parallel yet, which would hide what a fresh thread really has.
    const auto ompMax = blasSymbol<GetIntFn>("omp_get_max_threads");
    t.openmp = ompMax ? ompMax() : 1;
    t.intraOp = at::get_num_threads();
    if (void* gemm = ::dlsym(RTLD_DEFAULT, "cblas_sgemm")) {
        Dl_info info{};
        if (::dladdr(gemm, &info) != 0 && info.dli_fname) {
            t.blasLibrary = info.dli_fname;
        }
    }
    if (const auto get = blasSymbol<GetIntFn>("openblas_get_num_threads")) {
        t.blasThreads = get();
        const auto parallel = blasSymbol<GetIntFn>("openblas_get_parallel");
        const int mode = parallel ? parallel() : -1;
        t.blasThreading = mode == 0   ? "sequential"
                          : mode == 1 ? "pthreads"
                          : mode == 2 ? "OpenMP"
                                      : "?";
    }
    return t;
}

void setInferenceThreads(int threads)
{
    keepInferenceMemory();
    threads = std::max(1, threads);
    at::set_num_threads(threads);  // also omp_set_num_threads for this thread
    // An OpenMP OpenBLAS follows omp_get_max_threads() of its caller; a pthreads one has its own
    // process-wide pool, which would otherwise spin up every core beside LibTorch's threads.
    const auto parallel = blasSymbol<GetIntFn>("openblas_get_parallel");
    if (const auto set = blasSymbol<SetIntFn>("openblas_set_num_threads");
        set && parallel && parallel() == 1) {
        set(threads);
    }
}

}  // namespace dofa
