// SPDX-License-Identifier: MIT
#include "run/scenario.h"

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "platform/affinity_knob.h"

namespace dofa {

namespace {

std::vector<std::string> words(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream is(text.substr(0, text.find('#')));
    for (std::string w; is >> w;) {
        out.push_back(w);
    }
    return out;
}

double number(const std::string& word, const std::string& what)
{
    size_t used = 0;
    double v = 0;
    try {
        v = std::stod(word, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != word.size() || !(v >= 0) || !std::isfinite(v)) {
        throw std::invalid_argument("'" + word + "' is not a valid " + what);
    }
    return v;
}

/// A whole number in [0, max]: indices and counts, which are then converted to integers (a
/// double beyond the integer's range would make that conversion undefined; found by fuzzing).
double integer(const std::string& word, const std::string& what, double max)
{
    const double v = number(word, what);
    if (v != std::floor(v) || v > max) {
        throw std::invalid_argument("'" + word + "' is not a valid " + what +
                                    " (a whole number up to " +
                                    std::to_string(static_cast<std::int64_t>(max)) + ")");
    }
    return v;
}

/// Bounds of what a scenario may ask for: far beyond any real use, well inside int.
constexpr double kMaxModelIndex = 63;
constexpr double kMaxThreads = 1024;
constexpr double kMaxFrameIndex = 1e15;

const char* const kForms =
    "expected one of: latency MS|off, power W|off, accuracy PCT|off (each optionally followed "
    "by 'model N'), load cpu THREADS [on CPULIST], load model ARCH|max|min [THREADS], load off, "
    "stop";

}  // namespace

RunCommand RunCommand::parse(const std::string& text)
{
    std::vector<std::string> w = words(text);
    if (w.empty()) {
        throw std::invalid_argument(std::string("empty command; ") + kForms);
    }
    RunCommand c;
    const std::string& verb = w[0];
    if (verb == "latency" || verb == "power" || verb == "accuracy") {
        c.kind = verb == "latency" ? Kind::Latency : verb == "power" ? Kind::Power : Kind::Accuracy;
        if (w.size() == 4 && w[2] == "model") {
            c.model = static_cast<int>(integer(w[3], "model index", kMaxModelIndex));
            w.resize(2);
        }
        if (w.size() != 2) {
            throw std::invalid_argument("'" + text + "': " + kForms);
        }
        if (w[1] != "off") {
            const char* unit = verb == "latency" ? "latency in ms"
                               : verb == "power" ? "power in W"
                                                 : "accuracy in %";
            c.value = number(w[1], unit);
            if (*c.value <= 0 && verb != "accuracy") {
                throw std::invalid_argument("'" + text + "': a target must be positive");
            }
        }
        return c;
    }
    if (verb == "load" && w.size() >= 2) {
        if (w[1] == "off" && w.size() == 2) {
            c.kind = Kind::LoadOff;
            return c;
        }
        if (w[1] == "cpu" && (w.size() == 3 || (w.size() == 5 && w[3] == "on"))) {
            c.kind = Kind::LoadCpu;
            c.value = integer(w[2], "thread count", kMaxThreads);
            if (*c.value < 1) {
                throw std::invalid_argument("'" + text + "': at least 1 thread");
            }
            if (w.size() == 5) {
                const auto cpus = AffinityKnob::parseCpuList(w[4]);
                if (!cpus) {
                    throw std::invalid_argument("'" + text + "': " + cpus.error());
                }
                c.cores = w[4];
            }
            return c;
        }
        if (w[1] == "model" && (w.size() == 3 || w.size() == 4)) {
            c.kind = Kind::LoadModel;
            c.arch = w[2];
            if (w.size() == 4) {
                c.threads = static_cast<int>(integer(w[3], "thread count", kMaxThreads));
            }
            return c;
        }
    }
    if (verb == "stop" && w.size() == 1) {
        c.kind = Kind::Stop;
        return c;
    }
    throw std::invalid_argument("'" + text + "': " + kForms);
}

std::string RunCommand::toString() const
{
    auto target = [&](const char* verb) {
        std::ostringstream os;
        os << verb << ' ';
        if (value) {
            os << *value;
        } else {
            os << "off";
        }
        if (model != 0) {
            os << " model " << model;
        }
        return os.str();
    };
    switch (kind) {
        case Kind::Latency:
            return target("latency");
        case Kind::Power:
            return target("power");
        case Kind::Accuracy:
            return target("accuracy");
        case Kind::LoadCpu:
            return "load cpu " + std::to_string(static_cast<int>(value.value_or(1))) +
                   (cores.empty() ? std::string() : " on " + cores);
        case Kind::LoadModel:
            return "load model " + arch + (threads > 0 ? " " + std::to_string(threads) : "");
        case Kind::LoadOff:
            return "load off";
        case Kind::Stop:
            break;
    }
    return "stop";
}

Scenario Scenario::load(const std::string& path)
{
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error(path + ": cannot open scenario file");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse(text.str(), path);
}

Scenario Scenario::parse(const std::string& text, const std::string& origin)
{
    Scenario s;
    std::istringstream in(text);
    int lineNo = 0;
    for (std::string line; std::getline(in, line);) {
        ++lineNo;
        const std::vector<std::string> w = words(line);
        if (w.empty()) {
            continue;
        }
        auto fail = [&](const std::string& why) {
            throw std::runtime_error(origin + ":" + std::to_string(lineNo) + ": " + why);
        };
        ScenarioEvent e;
        e.line = lineNo;
        const std::string& at = w[0];
        try {
            if (at.size() > 1 && at[0] == '@') {
                e.atFrame =
                    static_cast<std::int64_t>(integer(at.substr(1), "frame index", kMaxFrameIndex));
            } else if (at.size() > 2 && at.compare(at.size() - 2, 2, "ms") == 0) {
                e.atSeconds = number(at.substr(0, at.size() - 2), "time in ms") / 1000.0;
            } else if (at.size() > 1 && at.back() == 's') {
                e.atSeconds = number(at.substr(0, at.size() - 1), "time in s");
            } else {
                fail("'" + at + "' is not a time: write 2.5s, 2500ms or @120 (a frame)");
            }
            std::string rest;
            for (size_t i = 1; i < w.size(); ++i) {
                rest += (i > 1 ? " " : "") + w[i];
            }
            e.command = RunCommand::parse(rest);
        } catch (const std::invalid_argument& ex) {
            fail(ex.what());
        }
        s.m_events.push_back(std::move(e));
    }
    return s;
}

std::vector<RunCommand> Scenario::due(double seconds, std::int64_t frame)
{
    // Each event on its own clock (seconds or frames, which cannot be ordered against each
    // other); events due together run in file order.
    std::vector<RunCommand> out;
    m_taken.resize(m_events.size(), false);
    for (size_t i = 0; i < m_events.size(); ++i) {
        const ScenarioEvent& e = m_events[i];
        if (m_taken[i]) {
            continue;
        }
        if (e.atFrame ? frame >= *e.atFrame : seconds >= e.atSeconds.value_or(0)) {
            out.push_back(e.command);
            m_taken[i] = true;
            ++m_takenCount;
        }
    }
    return out;
}

}  // namespace dofa
