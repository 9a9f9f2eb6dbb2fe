// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include "search/profile.h"

namespace dofa {

struct ModelFile;

/// "Profile this device": re-measures, on a background thread, the latency of a profile's
/// levels and measured candidates on this machine with the given thread count, keeps their
/// (device-independent) accuracies, recomputes the Pareto front and writes a profile for this
/// device. Progress and cancel are thread-safe; the owner polls finished().
///
/// New levels are picked among the old profile's levels only: those carry calibrated BN
/// statistics, so their accuracies still hold; the re-measured candidates form the new cloud.
class DeviceProfiler
{
public:
    struct Input
    {
        std::shared_ptr<const ModelFile> model;
        QString modelPath;
        Profile profile;
        QString profilePath;  ///< of `profile`, for the provenance
        int threads = 1;
        QString outputDir;  ///< where the new profile is written (created when missing)
        int warmup = 5;
        int runs = 20;
    };

    explicit DeviceProfiler(Input input);  ///< starts the thread
    ~DeviceProfiler();                     ///< cancels and joins
    DeviceProfiler(const DeviceProfiler&) = delete;
    DeviceProfiler& operator=(const DeviceProfiler&) = delete;

    void cancel() { m_cancel.store(true); }
    [[nodiscard]] double progress() const { return m_progress.load(); }
    [[nodiscard]] bool finished() const { return m_finished.load(); }
    /// After finished(): the path written (empty on failure or cancel) and the error text.
    [[nodiscard]] QString resultPath() const;
    [[nodiscard]] QString error() const;

private:
    void run();

    Input m_input;
    std::atomic<bool> m_cancel{false};
    std::atomic<double> m_progress{0.0};
    std::atomic<bool> m_finished{false};
    mutable std::mutex m_mutex;
    QString m_resultPath, m_error;
    std::thread m_thread;
};

}  // namespace dofa
