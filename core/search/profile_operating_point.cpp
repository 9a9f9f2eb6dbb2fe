// SPDX-License-Identifier: MIT
#include "profile_operating_point.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace dofa {

std::string ProfileOperatingPoint::knob(const std::string& id, const std::string& fallback) const
{
    const auto it = knobs.find(id);
    return it == knobs.end() ? fallback : it->second;
}

std::string ProfileOperatingPoint::name() const
{
    std::string out;
    auto add = [&](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
    // Where it runs first, in the order a person says it ("cpu, 1 thread, cores 1, torch"),
    // then clocks.
    static const char* const kOrder[] = {"app.device", "app.threads", "app.affinity",
                                         "app.backend"};
    std::vector<std::pair<std::string, std::string>> ordered;
    for (const char* id : kOrder)
        if (const auto it = knobs.find(id); it != knobs.end())
            ordered.emplace_back(*it);
    for (const auto& kv : knobs)
        if (std::find(std::begin(kOrder), std::end(kOrder), kv.first) == std::end(kOrder))
            ordered.emplace_back(kv);
    for (const auto& [id, value] : ordered) {
        if (id == "app.threads") {
            add(value + (value == "1" ? " thread" : " threads"));
        } else if (id == "app.affinity") {
            add("cores " + value);
        } else if (id == "app.backend" || id == "app.device") {
            add(value);
        } else if (id.size() > 7 && id.compare(id.size() - 7, 7, "max_khz") == 0) {
            // cpu.policy0.max_khz -> "cpu.policy0 1190 MHz"
            std::string mhz = value;
            try {
                mhz = std::to_string(std::stoll(value) / 1000) + " MHz";
            } catch (const std::exception&) {
            }
            add(id.substr(0, id.size() - 8) + " " + mhz);
        } else {
            add(id + " " + value);
        }
    }
    return out + (simulated ? " (SIMULATED)" : "");
}

std::string ProfileOperatingPoint::mapping() const
{
    ProfileOperatingPoint where;
    for (const auto& [id, value] : knobs)
        if (id.rfind("app.", 0) == 0)
            where.knobs.emplace(id, value);
    return where.knobs.empty() ? std::string() : where.name();
}

QJsonObject ProfileOperatingPoint::toJson() const
{
    QJsonObject k;
    for (const auto& [id, value] : knobs) {
        k.insert(QString::fromStdString(id), QString::fromStdString(value));
    }
    QJsonObject o{{"knobs", k}, {"latency", latency.toJson()}, {"simulated", simulated}};
    if (pacedLatency) {
        o.insert("latency_paced", pacedLatency->toJson());
    }
    if (powerMw) {
        o.insert("power_mw", *powerMw);
    }
    if (energyMj) {
        o.insert("energy_mj", *energyMj);
    }
    return o;
}

ProfileOperatingPoint ProfileOperatingPoint::fromJson(const QJsonObject& json,
                                                      const std::string& where)
{
    ProfileOperatingPoint p;
    if (!json.value("knobs").isObject()) {
        throw std::runtime_error(where + ".knobs: an object of knob id -> value is needed");
    }
    const QJsonObject k = json.value("knobs").toObject();
    for (auto it = k.begin(); it != k.end(); ++it) {
        if (!it.value().isString()) {
            throw std::runtime_error(where + ".knobs." + it.key().toStdString() +
                                     ": the value must be text");
        }
        p.knobs[it.key().toStdString()] = it.value().toString().toStdString();
    }
    try {
        p.latency = LatencyStats::fromJson(json.value("latency").toObject());
        if (json.contains("latency_paced")) {
            p.pacedLatency = LatencyStats::fromJson(json.value("latency_paced").toObject());
        }
    } catch (const std::exception& e) {
        throw std::runtime_error(where + ".latency: " + e.what());
    }
    for (const char* field : {"power_mw", "energy_mj"}) {
        if (!json.contains(field)) {
            continue;
        }
        const QJsonValue v = json.value(field);
        if (!v.isDouble() || v.toDouble() <= 0) {
            throw std::runtime_error(where + "." + field + ": a positive number is needed");
        }
        (std::string(field) == "power_mw" ? p.powerMw : p.energyMj) = v.toDouble();
    }
    p.simulated = json.value("simulated").toBool(false);
    return p;
}

}  // namespace dofa
