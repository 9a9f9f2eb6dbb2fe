// SPDX-License-Identifier: MIT
#include "telemetry_csv.h"

#include <cstdio>
#include <stdexcept>

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

TelemetryCsvWriter::TelemetryCsvWriter(std::string path) : m_path(std::move(path))
{
    m_out.open(m_path + ".part", std::ios::trunc);
    if (!m_out) {
        throw std::runtime_error(m_path + ".part: cannot create telemetry file");
    }
    m_out << header() << '\n';
}

TelemetryCsvWriter::~TelemetryCsvWriter()
{
    if (!m_closed) {
        try {
            close();
        } catch (const std::exception&) {
            // The .part file keeps what was written; nothing more to do in a destructor.
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
    char buf[256];
    auto opt = [](const std::optional<double>& v, const char* fmt) {
        if (!v) {
            return std::string();
        }
        char b[64];
        std::snprintf(b, sizeof b, fmt, *v);
        return std::string(b);
    };
    std::snprintf(buf, sizeof buf, "%lld,%d,%.6f,%d,%.4f,", static_cast<long long>(r.frame),
                  r.model, r.tSeconds, r.level, r.latencyMs);
    m_out << buf << opt(r.targetLatencyMs, "%.3f") << ',' << (r.withinTarget() ? 1 : 0) << ',';
    if (r.hasLabel()) {
        m_out << r.label << ',' << r.predicted << ',' << (r.correct() ? 1 : 0);
    } else {
        m_out << ',' << r.predicted << ',';
    }
    // The three most probable classes as the overlay shows them; empty where the model has
    // fewer classes.
    for (size_t k = 0; k < r.topClass.size(); ++k) {
        m_out << ',';
        if (r.topClass[k] >= 0) {
            std::snprintf(buf, sizeof buf, "%d,%.4f", r.topClass[k],
                          static_cast<double>(r.topScore[k]));
            m_out << buf;
        } else {
            m_out << ',';
        }
    }
    m_out << ',' << opt(r.powerMw, "%.1f") << ',' << opt(r.cpuFreqKhz, "%.0f") << ','
          << quoted(r.load) << ',' << r.nextLevel << ',';
    std::snprintf(buf, sizeof buf, "%.4f,%d,", r.switchMs, r.switchCached ? 1 : 0);
    m_out << buf << quoted(r.decision) << '\n';
}

void TelemetryCsvWriter::close()
{
    m_closed = true;
    m_out.flush();
    if (!m_out) {
        throw std::runtime_error(m_path + ".part: write error (disk full?)");
    }
    m_out.close();
    if (std::rename((m_path + ".part").c_str(), m_path.c_str()) != 0) {
        throw std::runtime_error(m_path + ": cannot rename from " + m_path + ".part");
    }
}

}  // namespace dofa
