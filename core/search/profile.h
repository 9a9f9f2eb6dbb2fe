// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <optional>
#include <string>
#include <vector>

#include "device_descriptor.h"
#include "latency_meter.h"
#include "profile_candidate.h"
#include "profile_operating_point.h"
#include "supernet/bn_stats.h"
#include "supernet/subnet_arch.h"
#include "supernet/supernet_spec.h"

namespace dofa {

/// How frames reach a model: one right after the other (a benchmark, an unpaced replay), or at a
/// frame rate with the processor idle in between (a camera, a paced replay).
enum class FrameArrival { BackToBack, Paced };

/// One level of a profile: a sub-network on the Pareto front of one device, with what was
/// measured for it and the BN statistics it runs with (so a switch needs no recalibration).
struct ProfileLevel
{
    SubnetArch arch;
    double top1 = 0;       ///< % on the evaluation set of the profile (device-independent)
    LatencyStats latency;  ///< back to back: one forward right after the other
    /// Paced at the profile's `pacedFps`: the processor idles between frames as it does under a
    /// camera, and small levels slow down most there (caches and clocks go cold). Absent in
    /// profiles older than schema 2.
    std::optional<LatencyStats> pacedLatency;
    std::int64_t macs = 0;
    std::int64_t params = 0;
    std::optional<double> powerMw;   ///< mean power while running it, where a sensor exists
    std::optional<double> energyMj;  ///< energy per inference, where a sensor exists
    BnStats bn;                      ///< calibrated statistics; empty: supernet's running stats
    /// The level under other knob settings (`dofa profile --sweep`); empty: not swept.
    std::vector<ProfileOperatingPoint> operatingPoints;

    /// The latency for frames arriving that way: the paced one when measured, else back to back.
    [[nodiscard]] const LatencyStats& latencyFor(FrameArrival arrival) const
    {
        return arrival == FrameArrival::Paced && pacedLatency ? *pacedLatency : latency;
    }
};

/// The level table of one model on one device (ARCHITECTURE.md, "Files"). JSON is the source of
/// truth: `profiles/<model>.<device>.json`, schema-versioned, written atomically.
struct Profile
{
    /// 2: levels carry `latency_paced` and the protocol its frame rate; 3: levels may carry
    /// `operating_points`. Versions 1 and 2 still load.
    static constexpr int kSchemaVersion = 3;

    std::string modelName;      ///< spec name of the model
    std::string modelChecksum;  ///< SHA-256 of the model file the profile belongs to
    DeviceDescriptor device;
    QJsonObject accuracyProtocol;      ///< evaluation set, calibration images, seed
    QJsonObject latencyProtocol;       ///< warm-up, runs, batch, paced_fps, levels_picked_on
    QJsonObject provenance;            ///< command, date, timings
    std::vector<ProfileLevel> levels;  ///< ascending latency
    std::vector<ProfileCandidate> candidates;

    /// Throws std::runtime_error naming the file and the problem; written through AtomicFile.
    void save(const std::string& path) const;
    /// Throws std::runtime_error naming the file and the bad field (with its level or
    /// candidate index) when the file is unreadable, malformed or for another spec.
    static Profile load(const std::string& path, const SupernetSpec& spec);

    [[nodiscard]] QJsonObject toJson() const;
    static Profile fromJson(const QJsonObject& json, const SupernetSpec& spec);

    /// Throws std::runtime_error when the profile was made for another model file.
    void checkModel(const std::string& checksum, const std::string& path) const;

    /// Frame rate of the levels' paced latencies (latency_protocol.paced_fps); 0 when none.
    [[nodiscard]] double pacedFps() const;

    /// File name the profile has in profiles/: "<model>.<device id>.json".
    [[nodiscard]] std::string defaultFileName() const;
};

}  // namespace dofa
