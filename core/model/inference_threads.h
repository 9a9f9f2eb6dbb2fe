// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace dofa {

/// What inference on the calling thread really runs on. LibTorch's intra-op count is OpenMP's,
/// and OpenMP keeps it per thread: torch::set_num_threads on the main thread does not reach a
/// worker thread, whose first parallel region (oneDNN, OpenBLAS built for OpenMP) uses every
/// core. OpenBLAS built for pthreads keeps a pool of its own, sized for the whole process.
struct InferenceThreads
{
    int intraOp = 0;  ///< at::get_num_threads() on this thread
    int openmp = 0;   ///< omp_get_max_threads() on this thread: oneDNN's and OpenMP BLAS's count
    std::string blasLibrary;    ///< the file that provides cblas_sgemm ("" when none is loaded)
    std::string blasThreading;  ///< "OpenMP", "pthreads", "sequential", or "" (not OpenBLAS)
    int blasThreads = -1;       ///< OpenBLAS's thread count; -1: not OpenBLAS

    /// "intra-op 1, OpenMP 1, BLAS /usr/lib/.../libblas.so.3 (OpenBLAS, OpenMP, 1 thread)".
    [[nodiscard]] std::string describe() const;
};

/// The calling thread's view (InferenceThreads).
InferenceThreads inferenceThreads();

/// Makes inference on the calling thread use `threads` threads (>= 1): LibTorch's and OpenMP's
/// count for this thread, and OpenBLAS's pool when it is a pthreads build (that one is
/// process-wide: the last caller wins, so every inference thread of a process should agree).
/// Call it on the thread that runs the forward passes, before the first one. It also keeps
/// freed activation memory for the next pass (keepInferenceMemory()).
void setInferenceThreads(int threads);

}  // namespace dofa
