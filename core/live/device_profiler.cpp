// SPDX-License-Identifier: MIT
#include "device_profiler.h"

#include <QDateTime>
#include <QDir>
#include <QJsonObject>
#include <algorithm>
#include <map>

#include <torch/torch.h>

#include "model/inference_threads.h"
#include "search/latency_meter.h"
#include "search/pareto.h"
#include "supernet/model_file.h"

namespace dofa {

DeviceProfiler::DeviceProfiler(Input input) : m_input(std::move(input))
{
    m_thread = std::thread([this] { run(); });
}

DeviceProfiler::~DeviceProfiler()
{
    cancel();
    if (m_thread.joinable()) {
        // Bounded: the thread checks the flag between two measurements (well under a second).
        m_thread.join();
    }
}

QString DeviceProfiler::resultPath() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_resultPath;
}

QString DeviceProfiler::error() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_error;
}

void DeviceProfiler::run()
{
    QString error, path;
    try {
        setInferenceThreads(std::max(1, m_input.threads));
        const Profile& old = m_input.profile;
        const SupernetSpec& spec = m_input.model->spec;
        Supernet supernet = m_input.model->buildSupernet(m_input.modelPath.toStdString());
        supernet->eval();

        // Levels first (they may become levels again), then the measured candidates.
        struct Item
        {
            SubnetArch arch;
            double top1 = 0;
            int level = -1;  ///< index into old.levels, -1: a candidate
            std::string source;
            LatencyStats latency;
        };
        std::vector<Item> items;
        std::map<std::string, size_t> seen;
        for (size_t i = 0; i < old.levels.size(); ++i) {
            seen[old.levels[i].arch.toString()] = items.size();
            items.push_back(
                {old.levels[i].arch, old.levels[i].top1, static_cast<int>(i), "level", {}});
        }
        for (const ProfileCandidate& c : old.candidates) {
            if (!c.measured || seen.count(c.arch.toString()) > 0) {
                continue;
            }
            seen[c.arch.toString()] = items.size();
            items.push_back({c.arch, c.top1, -1, c.source, {}});
        }
        LatencyOptions options;
        options.warmup = m_input.warmup;
        options.runs = m_input.runs;
        for (size_t i = 0; i < items.size(); ++i) {
            if (m_cancel.load()) {
                throw std::runtime_error("cancelled");
            }
            Item& item = items[i];
            const BnStats* bn =
                item.level >= 0 && !old.levels[static_cast<size_t>(item.level)].bn.empty()
                    ? &old.levels[static_cast<size_t>(item.level)].bn
                    : nullptr;
            const StaticSubnet net = supernet->extract(item.arch, bn);
            item.latency = measureLatency(net, spec.inChannels, options);
            m_progress.store(0.95 * static_cast<double>(i + 1) / static_cast<double>(items.size()));
        }

        Profile fresh = old;
        fresh.device = DeviceDescriptor::current(m_input.threads);
        fresh.latencyProtocol = QJsonObject{{"warmup", options.warmup},
                                            {"runs", options.runs},
                                            {"batch", 1},
                                            {"statistic", "mean"}};
        fresh.provenance = QJsonObject{
            {"command", "dofa-dashboard: profile this device"},
            {"date", QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
            {"from_profile", m_input.profilePath},
            {"note",
             "latencies re-measured on this device; top-1 reused from the source profile "
             "(accuracy is device-independent); levels picked among the source profile's "
             "levels, which carry calibrated BN statistics"}};
        fresh.candidates.clear();
        for (const Item& item : items) {
            fresh.candidates.push_back(
                ProfileCandidate{item.arch, item.top1, item.latency.mean, true, item.source});
        }
        std::vector<CostAccuracy> points;
        std::vector<size_t> levelItems;
        for (size_t i = 0; i < items.size(); ++i) {
            if (items[i].level >= 0) {
                points.push_back({items[i].latency.mean, items[i].top1});
                levelItems.push_back(i);
            }
        }
        const std::vector<size_t> front = paretoFront(points);
        const std::vector<size_t> picked = pickLevels(points, front, old.levels.size());
        fresh.levels.clear();
        // The levels also paced, as the dashboard's frames arrive (at the source profile's rate,
        // else 30 fps): the manager's prior for a camera.
        LatencyOptions paced = options;
        paced.paceFps = old.pacedFps() > 0 ? old.pacedFps() : 30.0;
        fresh.latencyProtocol.insert("paced_fps", paced.paceFps);
        fresh.latencyProtocol.insert("levels_picked_on", "back_to_back");
        for (size_t p : picked) {
            if (m_cancel.load()) {
                throw std::runtime_error("cancelled");
            }
            const Item& item = items[levelItems[p]];
            ProfileLevel level = old.levels[static_cast<size_t>(item.level)];
            level.latency = item.latency;
            level.pacedLatency = measureLatency(
                supernet->extract(level.arch, level.bn.empty() ? nullptr : &level.bn),
                spec.inChannels, paced);
            // Power was measured on the other device; nothing here measured it.
            level.powerMw.reset();
            level.energyMj.reset();
            fresh.levels.push_back(std::move(level));
        }
        std::sort(fresh.levels.begin(), fresh.levels.end(),
                  [](const ProfileLevel& a, const ProfileLevel& b) {
                      return a.latency.mean < b.latency.mean;
                  });
        if (!QDir().mkpath(m_input.outputDir)) {
            throw std::runtime_error("cannot create the directory " +
                                     m_input.outputDir.toStdString());
        }
        path = QDir(m_input.outputDir).filePath(QString::fromStdString(fresh.defaultFileName()));
        fresh.save(path.toStdString());
        m_progress.store(1.0);
    } catch (const std::exception& e) {
        error = QString::fromStdString(e.what());
        path.clear();
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_resultPath = path;
        m_error = error;
    }
    m_finished.store(true);
}

}  // namespace dofa
