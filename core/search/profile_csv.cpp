// SPDX-License-Identifier: MIT
#include "profile_csv.h"

#include <cstdio>

namespace dofa {

namespace {

std::string num(double v, int decimals)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string quoted(const std::string& s)
{
    if (s.find_first_of(",\"\n") == std::string::npos) {
        return s;
    }
    std::string q = "\"";
    for (char c : s) {
        q += c == '"' ? "\"\"" : std::string(1, c);
    }
    return q + "\"";
}

}  // namespace

std::string levelsCsv(const Profile& p)
{
    std::string out =
        "level,arch,top1,latency_mean_ms,latency_p50_ms,latency_p90_ms,latency_std_ms,runs,mmacs,"
        "params,power_mw,energy_mj,device,model_checksum\n";
    for (size_t i = 0; i < p.levels.size(); ++i) {
        const ProfileLevel& l = p.levels[i];
        out += std::to_string(i) + "," + quoted(l.arch.toString()) + "," + num(l.top1, 2) + "," +
               num(l.latency.mean, 4) + "," + num(l.latency.p50, 4) + "," + num(l.latency.p90, 4) +
               "," + num(l.latency.std, 4) + "," + std::to_string(l.latency.runs) + "," +
               num(static_cast<double>(l.macs) / 1e6, 3) + "," + std::to_string(l.params) + "," +
               (l.powerMw ? num(*l.powerMw, 1) : "") + "," +
               (l.energyMj ? num(*l.energyMj, 4) : "") + "," + quoted(p.device.id()) + "," +
               p.modelChecksum + "\n";
    }
    return out;
}

std::string candidatesCsv(const Profile& p)
{
    std::string out = "arch,top1,latency_ms,measured,source\n";
    for (const ProfileCandidate& c : p.candidates) {
        out += quoted(c.arch.toString()) + "," + num(c.top1, 3) + "," + num(c.latencyMs, 4) + "," +
               (c.measured ? "1" : "0") + "," + quoted(c.source) + "\n";
    }
    return out;
}

}  // namespace dofa
