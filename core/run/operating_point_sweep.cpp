// SPDX-License-Identifier: MIT
#include "run/operating_point_sweep.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include "model/compute_device.h"
#include "model/dynamic_model.h"
#include "model/inference_threads.h"
#include "platform/affinity_knob.h"
#include "platform/knob_guard.h"
#include "platform/platform.h"
#include "platform/process_affinity.h"
#include "platform/simulated_board.h"
#include "supernet/atomic_file.h"

namespace dofa {

namespace {

constexpr const char* kThreads = "app.threads";
constexpr const char* kAffinity = "app.affinity";
constexpr const char* kBackend = "app.backend";
constexpr const char* kDevice = "app.device";

bool isCpuClock(const std::string& id)
{
    return id.rfind("cpu.", 0) == 0 && id.size() > 8 &&
           id.compare(id.size() - 8, 8, ".max_khz") == 0;
}

/// Up to `n` values of a sorted table, evenly spaced, the top one included.
std::vector<std::string> spread(const std::vector<std::int64_t>& table, size_t n)
{
    std::vector<std::string> out;
    if (table.empty()) {
        return out;
    }
    n = std::min(n, table.size());
    for (size_t i = 0; i < n; ++i) {
        const size_t at = n == 1 ? table.size() - 1 : i * (table.size() - 1) / (n - 1);
        out.push_back(std::to_string(table[at]));
    }
    return out;
}

/// The power monitor to read, if any: the board's total, else nothing.
std::shared_ptr<Monitor> totalPower(const Platform* platform)
{
    if (!platform) {
        return nullptr;
    }
    for (const auto& m : platform->monitors()) {
        if (m->info().isTotal && m->info().unit == Unit::MilliWatt) {
            return m;
        }
    }
    return nullptr;
}

QJsonArray axesJson(const std::vector<SweepAxis>& axes)
{
    QJsonArray out;
    for (const SweepAxis& a : axes) {
        QJsonArray values;
        for (const std::string& v : a.values) {
            values.append(QString::fromStdString(v));
        }
        out.append(QJsonObject{{"knob", QString::fromStdString(a.knob)}, {"values", values}});
    }
    return out;
}

QJsonArray levelsJson(const Profile& p)
{
    QJsonArray out;
    for (const ProfileLevel& l : p.levels) {
        out.append(QString::fromStdString(l.arch.toString()));
    }
    return out;
}

}  // namespace

std::vector<SweepAxis> OperatingPointSweep::axes(const std::vector<std::string>& names,
                                                 const Platform* platform)
{
    std::vector<SweepAxis> out;
    for (const std::string& name : names) {
        if (std::any_of(out.begin(), out.end(), [&](const SweepAxis& a) {
                return (name == "threads" && a.knob == kThreads) ||
                       (name == "cores" && a.knob == kAffinity) ||
                       (name == "backend" && a.knob == kBackend) ||
                       (name == "processor" && a.knob == kDevice);
            })) {
            throw std::invalid_argument("--sweep: '" + name + "' is named twice");
        }
        if (name == "threads") {
            const int cores =
                std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 8);
            SweepAxis a{kThreads, {}, false};
            for (int t = 1; t <= cores; ++t) {
                a.values.push_back(std::to_string(t));
            }
            out.push_back(a);
        } else if (name == "cores") {
            const AffinityKnob probe;
            const auto allowed = AffinityKnob::parseCpuList(probe.get().value());
            if (!allowed.isOk() || allowed.value().empty()) {
                throw std::invalid_argument(
                    "--sweep cores: the process's CPU affinity cannot "
                    "be read");
            }
            SweepAxis a{kAffinity, {}, false};
            for (int cpu : allowed.value()) {
                a.values.push_back(std::to_string(cpu));
            }
            if (allowed.value().size() > 1) {
                a.values.push_back(AffinityKnob::formatCpuList(allowed.value()));
            }
            out.push_back(a);
        } else if (name == "backend") {
            out.push_back({kBackend, {"torch", "opencv"}, false});
        } else if (name == "processor") {
            // The CPU, and every CUDA device this LibTorch can run on (none with Debian's
            // CPU-only build: then the axis is the CPU alone, and says why).
            SweepAxis a{kDevice, {"cpu"}, false};
            for (int i = 0;; ++i) {
                const ComputeDevice cuda{ComputeDevice::Kind::Cuda, i};
                if (!cuda.unavailableReason().empty()) {
                    if (i == 0) {
                        std::fprintf(stderr, "sweep processor: CPU only: %s\n",
                                     cuda.unavailableReason().c_str());
                    }
                    break;
                }
                a.values.push_back(cuda.name());
            }
            out.push_back(a);
        } else if (name == "clock") {
            std::string why = "no platform (--platform none)";
            bool found = false;
            if (platform) {
                why = "no CPU clock knob on this platform (cpufreq's scaling_max_freq absent)";
                for (const auto& knob : platform->knobs()) {
                    const KnobInfo& info = knob->info();
                    if (!isCpuClock(info.id) || info.allowed.empty()) {
                        continue;
                    }
                    if (!knob->isWritable()) {
                        why = info.id + " is read-only: " + knob->readOnlyReason();
                        continue;
                    }
                    out.push_back({info.id, spread(info.allowed, 4), info.simulated});
                    found = true;
                }
            }
            if (!found) {
                throw std::invalid_argument("--sweep clock: " + why +
                                            " (--platform simulated sweeps the SIMULATED "
                                            "board's clock)");
            }
        } else {
            throw std::invalid_argument("--sweep: unknown knob '" + name +
                                        "' (threads, cores, backend, processor, clock)");
        }
    }
    if (out.empty()) {
        throw std::invalid_argument(
            "--sweep: name at least one knob (threads, cores, backend, "
            "processor, clock)");
    }
    return out;
}

OperatingPointSweep::OperatingPointSweep(Supernet net, Profile profile, std::vector<SweepAxis> axes,
                                         Platform* platform, Options options)
    : m_net(std::move(net)),
      m_profile(std::move(profile)),
      m_axes(std::move(axes)),
      m_platform(platform),
      m_options(std::move(options))
{
    m_points.resize(combinations());
    loadResumeFile();
}

size_t OperatingPointSweep::combinations() const
{
    size_t n = 1;
    for (const SweepAxis& a : m_axes) {
        n *= a.values.size();
    }
    return n;
}

bool OperatingPointSweep::runnable(const std::vector<std::string>& values) const
{
    bool opencv = false, elsewhere = false;
    int threads = 0;
    size_t cores = 0;
    for (size_t i = 0; i < m_axes.size(); ++i) {
        opencv = opencv || (m_axes[i].knob == kBackend && values[i] == "opencv");
        elsewhere = elsewhere || (m_axes[i].knob == kDevice && values[i] != "cpu");
        if (m_axes[i].knob == kThreads)
            threads = std::stoi(values[i]);
        if (m_axes[i].knob == kAffinity)
            cores = AffinityKnob::parseCpuList(values[i]).valueOr({}).size();
    }
    const bool oversubscribed = threads > 0 && cores > 0 && static_cast<size_t>(threads) > cores;
    return !(opencv && elsewhere) && !oversubscribed;
}

int OperatingPointSweep::skippedCombinations() const
{
    int n = 0;
    for (size_t c = 0; c < combinations(); ++c)
        n += runnable(combination(c)) ? 0 : 1;
    return n;
}

std::vector<std::string> OperatingPointSweep::combination(size_t index) const
{
    // The last axis changes fastest, so slow knobs (clocks, named first) change least often.
    std::vector<std::string> values(m_axes.size());
    for (size_t i = m_axes.size(); i-- > 0;) {
        const size_t n = m_axes[i].values.size();
        values[i] = m_axes[i].values[index % n];
        index /= n;
    }
    return values;
}

bool OperatingPointSweep::run(const Progress& progress, const std::atomic<bool>* stop)
{
    const size_t total = combinations();
    const size_t levels = m_profile.levels.size();
    const int threadsBefore = at::get_num_threads();
    const std::shared_ptr<Monitor> power = totalPower(m_platform);
    const std::shared_ptr<SimulatedBoard> board =
        m_platform ? m_platform->simulatedBoard() : nullptr;
    // One model per (backend, processor): weights move to a device once.
    std::map<std::string, std::unique_ptr<DynamicModel>> models;
    auto modelFor = [&](const std::string& backend,
                        const std::string& device = "cpu") -> DynamicModel& {
        auto& m = models[backend + " " + device];
        if (!m) {
            DynamicModelOptions o;
            o.backend = *levelBackendFromName(backend);
            o.device = torchDevice(*ComputeDevice::parse(device));
            m = std::make_unique<DynamicModel>(m_net, m_profile, o);
        }
        return *m;
    };
    bool finished = true;
    {
        KnobGuard guard;  // restores the affinity and the clocks when the sweep ends
        // The affinity of every thread of the process (ProcessAffinity), captured before any
        // write and after a forward on the most threads the sweep uses has started OpenMP's
        // pool, so that the guard restores each thread's original.
        ProcessAffinity affinity;
        if (std::any_of(m_axes.begin(), m_axes.end(),
                        [](const SweepAxis& a) { return a.knob == kAffinity; })) {
            int most = threadsBefore;
            for (const SweepAxis& a : m_axes) {
                if (a.knob == kThreads) {
                    most = std::stoi(a.values.back());
                }
            }
            setInferenceThreads(most);
            DynamicModel& model = modelFor("torch");
            model.setLevel(static_cast<int>(levels) - 1);
            const int r = model.resolution();
            (void)model.forwardPrepared(torch::randn({1, model.spec().inChannels, r, r}));
            affinity.capture();
        }
        auto setAffinity = [&](const std::string& cpus) {
            const auto r = affinity.set(guard, cpus);
            if (!r.isOk())
                throw std::runtime_error("sweep: " + r.error());
        };
        c10::InferenceMode inference;
        size_t done = 0;
        for (size_t c = 0; c < total && finished; ++c) {
            if (!m_points[c].empty()) {
                done += levels;
                continue;
            }
            const std::vector<std::string> values = combination(c);
            if (!runnable(values)) {
                done += levels;  // no points (runnable() says why)
                continue;
            }
            ProfileOperatingPoint base;
            std::string backend = "torch";
            std::string device = "cpu";
            bool simulatedClock = false;
            for (size_t i = 0; i < m_axes.size(); ++i) {
                const SweepAxis& axis = m_axes[i];
                base.knobs[axis.knob] = values[i];
                if (axis.knob == kThreads) {
                    setInferenceThreads(std::stoi(values[i]));
                } else if (axis.knob == kBackend) {
                    backend = values[i];
                } else if (axis.knob == kDevice) {
                    device = values[i];
                } else if (axis.knob == kAffinity) {
                    setAffinity(values[i]);
                } else {
                    const std::shared_ptr<Knob> knob = m_platform->knob(axis.knob);
                    const auto r = guard.set(knob, values[i]);
                    if (!r.isOk()) {
                        throw std::runtime_error("sweep: " + axis.knob + " = " + values[i] + ": " +
                                                 r.error());
                    }
                    base.knobs[axis.knob] = r.value();  // what the kernel kept
                    simulatedClock = simulatedClock || axis.simulated;
                }
            }
            std::vector<ProfileOperatingPoint> points;
            for (size_t l = 0; l < levels; ++l) {
                if (progress) {
                    progress(static_cast<double>(done) / static_cast<double>(total * levels),
                             base.name());
                }
                DynamicModel& model = modelFor(backend, device);
                model.setLevel(static_cast<int>(l));
                const int r = model.resolution();
                // On the host, as a frame arrives: the upload is part of what a frame costs, and
                // a GPU is timed to completion.
                const torch::Tensor x = torch::randn({1, model.spec().inChannels, r, r});
                const auto fn = [&] {
                    (void)model.forwardPrepared(x);
                    model.synchronize();
                };
                ProfileOperatingPoint p = base;
                if (power) {
                    (void)power->read();  // counter monitors average from here
                }
                p.latency =
                    timeRuns(fn, m_options.backToBack.warmup, m_options.backToBack.runs, {}, 0);
                if (power) {
                    if (board) {
                        board->setLoad(SimulatedBoard::Processor::Cpu, 1000);
                    }
                    if (const auto s = power->read(); s.isOk() && s.value().value > 0) {
                        p.powerMw = s.value().value;
                    }
                }
                if (m_options.paced.paceFps > 0) {
                    p.pacedLatency = timeRuns(fn, m_options.paced.warmup, m_options.paced.runs, {},
                                              m_options.paced.paceFps);
                }
                if (simulatedClock && board) {
                    // The SIMULATED clock: the board's model stretches what this CPU measured.
                    const double f = board->delayFactor(SimulatedBoard::Processor::Cpu);
                    p.latency = p.latency.scaled(f);
                    if (p.pacedLatency) {
                        p.pacedLatency = p.pacedLatency->scaled(f);
                    }
                }
                p.simulated = simulatedClock || (power && power->info().simulated);
                if (p.powerMw) {
                    p.energyMj = *p.powerMw * p.latency.mean / 1000.0;
                }
                points.push_back(std::move(p));
                ++done;
                if (stop && stop->load()) {
                    finished = false;
                    break;
                }
            }
            if (finished) {
                m_points[c] = std::move(points);
                saveResumeFile();
            }
        }
        m_restoreProblems = guard.restore();
    }
    setInferenceThreads(threadsBefore);
    if (!finished) {
        return false;
    }
    for (size_t l = 0; l < levels; ++l) {
        std::vector<ProfileOperatingPoint>& out = m_profile.levels[l].operatingPoints;
        out.clear();
        for (const auto& perLevel : m_points) {
            if (!perLevel.empty()) {
                out.push_back(perLevel[l]);
            }
        }
    }
    if (progress) {
        progress(1.0, "done");
    }
    return true;
}

void OperatingPointSweep::loadResumeFile()
{
    if (m_options.resumePath.empty()) {
        return;
    }
    QFile f(QString::fromStdString(m_options.resumePath));
    if (!f.open(QIODevice::ReadOnly)) {
        return;  // nothing to resume
    }
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    // Only a sweep of the same levels over the same knob values goes on.
    if (o.value("format").toString() != "dofa-sweep-partial" ||
        o.value("model_checksum").toString().toStdString() != m_profile.modelChecksum ||
        o.value("axes").toArray() != axesJson(m_axes) ||
        o.value("levels").toArray() != levelsJson(m_profile)) {
        return;
    }
    const QJsonArray done = o.value("combinations").toArray();
    for (const QJsonValue& v : done) {
        const QJsonObject c = v.toObject();
        const int index = c.value("index").toInt(-1);
        const QJsonArray points = c.value("points").toArray();
        if (index < 0 || static_cast<size_t>(index) >= m_points.size() ||
            static_cast<size_t>(points.size()) != m_profile.levels.size()) {
            continue;
        }
        std::vector<ProfileOperatingPoint> parsed;
        try {
            for (const QJsonValue& p : points) {
                parsed.push_back(ProfileOperatingPoint::fromJson(p.toObject(), "resume"));
            }
        } catch (const std::exception&) {
            continue;  // a damaged entry is measured again
        }
        m_points[static_cast<size_t>(index)] = std::move(parsed);
        ++m_resumed;
    }
}

void OperatingPointSweep::saveResumeFile() const
{
    if (m_options.resumePath.empty()) {
        return;
    }
    QJsonArray done;
    for (size_t c = 0; c < m_points.size(); ++c) {
        if (m_points[c].empty()) {
            continue;
        }
        QJsonArray points;
        for (const ProfileOperatingPoint& p : m_points[c]) {
            points.append(p.toJson());
        }
        done.append(QJsonObject{{"index", static_cast<qint64>(c)}, {"points", points}});
    }
    const QJsonObject o{{"format", "dofa-sweep-partial"},
                        {"model_checksum", QString::fromStdString(m_profile.modelChecksum)},
                        {"axes", axesJson(m_axes)},
                        {"levels", levelsJson(m_profile)},
                        {"combinations", done}};
    AtomicFile::save(m_options.resumePath, QJsonDocument(o).toJson().toStdString(),
                     "the sweep's resume file");
}

}  // namespace dofa
