// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dofa {

/// One command of a run: a target change, a competing load starting or stopping, or the end.
/// Text form (scenario files and stdin), one per line:
///   latency 40 | latency off        per-frame latency target in ms
///   power 5 | power off             board power target in W
///   accuracy 85 | accuracy off      top-1 floor in %
///   load cpu 2                      two CPU-burning threads
///   load cpu 2 on 1                 the same, pinned to CPU 1 (a kernel CPU list)
///   load model max [2]              a second inference model (arch text, max or min) [threads]
///   load off                        stop the competing load
///   stop                            end the run
/// Target commands may end in `model N` (the joint policy's second model is `model 1`).
struct RunCommand
{
    enum class Kind { Latency, Power, Accuracy, LoadCpu, LoadModel, LoadOff, Stop };
    Kind kind = Kind::Stop;
    std::optional<double> value;  ///< target value (nullopt: off), or cpu threads
    std::string arch;             ///< LoadModel: arch text, "max" or "min"
    std::string cores;            ///< LoadCpu: CPU list the threads are pinned to; empty: none
    int threads = 0;              ///< LoadModel: intra-op threads (0: as the managed model)
    int model = 0;                ///< target commands: which model

    /// Throws std::invalid_argument with what was expected.
    static RunCommand parse(const std::string& text);
    [[nodiscard]] std::string toString() const;
};

/// A command at a time: seconds since the start of the run, or a frame index.
struct ScenarioEvent
{
    std::optional<double> atSeconds;
    std::optional<std::int64_t> atFrame;
    RunCommand command;
    int line = 0;  ///< in the scenario file, for messages
};

/// A scenario file: timed commands, one per line, `#` comments, blank lines ignored.
///   0s    latency 40
///   2.5s  latency 15
///   @300  load cpu 2        # at frame 300
///   8000ms load off
/// A time may be s, ms or @frame; events due at the same moment run in the order of the file.
class Scenario
{
public:
    /// Throws std::runtime_error naming the file, the line and the problem.
    static Scenario load(const std::string& path);
    /// `origin` names the text in messages.
    static Scenario parse(const std::string& text, const std::string& origin);

    [[nodiscard]] const std::vector<ScenarioEvent>& events() const { return m_events; }

    /// Events due at `seconds` / `frame` that have not yet been taken, in file order. Each
    /// event is judged on its own clock: a frame event does not wait for an earlier line's time.
    std::vector<RunCommand> due(double seconds, std::int64_t frame);
    [[nodiscard]] bool finished() const { return m_takenCount >= m_events.size(); }

private:
    std::vector<ScenarioEvent> m_events;
    std::vector<bool> m_taken;
    size_t m_takenCount = 0;
};

}  // namespace dofa
