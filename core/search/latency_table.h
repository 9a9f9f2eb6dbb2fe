// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "latency_meter.h"
#include "supernet/subnet_arch.h"
#include "supernet/supernet_spec.h"

namespace dofa {

/// OFA's per-layer latency lookup table, measured on one device for one supernet spec: every
/// layer any sub-network can run (stem, blocks.0, each elastic block position at every
/// kernel, expand ratio and resolution, and the tail) is timed once in isolation; the
/// latency of an arch is predicted as the sum of its layers. Summing isolated layers misses
/// what a whole forward adds (dispatch between layers, cache effects), so a linear correction
/// `scale * sum + offset` is fitted on a few measured sub-networks.
///
/// Keys follow OFA's latency tables: "expanded_conv-input:8x8x32-output:8x8x32-expand:96-
/// kernel:5-stride:1-idskip:1-se:1-hs:1".
class LatencyTable
{
public:
    using ProgressFn = std::function<void(int done, int total)>;

    /// Keys of the layers `arch` runs, in execution order.
    static std::vector<std::string> layerKeys(const SupernetSpec& spec, const SubnetArch& arch);

    /// Times every layer of the spec's space on the device of `options`.
    static LatencyTable build(const SupernetSpec& spec, const LatencyOptions& options,
                              const ProgressFn& progress = {});

    /// Sum of the median latencies of `arch`'s layers (ms). Throws std::out_of_range naming the
    /// first layer the table lacks.
    [[nodiscard]] double predictRaw(const SupernetSpec& spec, const SubnetArch& arch) const;
    /// The corrected prediction (ms).
    [[nodiscard]] double predict(const SupernetSpec& spec, const SubnetArch& arch) const;

    /// Least-squares fit of scale and offset on measured (arch, mean ms) pairs; with fewer
    /// than two distinct sums only the scale is fitted.
    void fitCorrection(const SupernetSpec& spec,
                       const std::vector<std::pair<SubnetArch, double>>& measured);

    [[nodiscard]] size_t size() const { return m_entries.size(); }
    [[nodiscard]] double scale() const { return m_scale; }
    [[nodiscard]] double offset() const { return m_offset; }
    [[nodiscard]] const std::map<std::string, LatencyStats>& entries() const { return m_entries; }
    void setEntry(const std::string& key, const LatencyStats& stats) { m_entries[key] = stats; }

    [[nodiscard]] QJsonObject toJson() const;
    /// Throws std::runtime_error naming the bad entry or field.
    static LatencyTable fromJson(const QJsonObject& json);

private:
    std::map<std::string, LatencyStats> m_entries;
    double m_scale = 1.0;
    double m_offset = 0.0;
};

/// Mean absolute percentage error of `table` against measured (arch, mean ms) pairs.
double meanAbsPercentError(const LatencyTable& table, const SupernetSpec& spec,
                           const std::vector<std::pair<SubnetArch, double>>& measured);

}  // namespace dofa
