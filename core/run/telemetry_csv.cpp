// SPDX-License-Identifier: MIT
#include "run/telemetry_csv.h"

#include <cstdio>
#include <string>

namespace dofa {

namespace {

std::string quoted(const std::string& s)
{
    std::string out = "\"";
    for (char c : s) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

}  // namespace

TelemetryCsvWriter::TelemetryCsvWriter(std::string path) : m_file(std::move(path), "telemetry CSV")
{
    m_file.write(header());
    m_file.write("\n");
}

TelemetryCsvWriter::~TelemetryCsvWriter()
{
    if (!m_closed) {
        try {
            close();
        } catch (const std::exception&) {
            // Nothing more to do in a destructor; the old file under the name is untouched.
        }
    }
}

const char* TelemetryCsvWriter::header()
{
    return "frame,model,t_s,level,latency_ms,target_latency_ms,within_target,label,predicted,"
           "correct,top1_class,top1_p,top2_class,top2_p,top3_class,top3_p,power_mw,cpu_freq_khz,"
           "load,next_level,switch_ms,switch_cached,decision";
}

void TelemetryCsvWriter::write(const FrameRecord& r)
{
    auto opt = [](const std::optional<double>& v, const char* fmt) {
        if (!v) {
            return std::string();
        }
        char b[64];
        std::snprintf(b, sizeof b, fmt, *v);
        return std::string(b);
    };
    char buf[256];
    std::snprintf(buf, sizeof buf, "%lld,%d,%.6f,%d,%.4f,", static_cast<long long>(r.frame),
                  r.model, r.tSeconds, r.level, r.latencyMs);
    std::string row = buf;
    row += opt(r.targetLatencyMs, "%.3f") + ',' + (r.withinTarget() ? '1' : '0') + ',';
    if (r.hasLabel()) {
        row += std::to_string(r.label) + ',' + std::to_string(r.predicted) + ',' +
               (r.correct() ? '1' : '0');
    } else {
        row += ',' + std::to_string(r.predicted) + ',';
    }
    // The three most probable classes as the overlay shows them; empty where the model has
    // fewer classes.
    for (size_t k = 0; k < r.topClass.size(); ++k) {
        row += ',';
        if (r.topClass[k] >= 0) {
            std::snprintf(buf, sizeof buf, "%d,%.4f", r.topClass[k],
                          static_cast<double>(r.topScore[k]));
            row += buf;
        } else {
            row += ',';
        }
    }
    row += ',' + opt(r.powerMw, "%.1f") + ',' + opt(r.cpuFreqKhz, "%.0f") + ',' + quoted(r.load) +
           ',' + std::to_string(r.nextLevel) + ',';
    std::snprintf(buf, sizeof buf, "%.4f,%d,", r.switchMs, r.switchCached ? 1 : 0);
    row += buf + quoted(r.decisionText()) + '\n';
    m_file.write(row);
}

void TelemetryCsvWriter::close()
{
    m_closed = true;
    m_file.commit();
}

}  // namespace dofa
