// SPDX-License-Identifier: MIT
#include "platform/affinity_knob.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace dofa {

namespace {

Result<std::vector<int>> affinityOf(pid_t tid)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(tid, sizeof set, &set) != 0)
        return Result<std::vector<int>>::fail("sched_getaffinity(" + std::to_string(tid) +
                                              "): " + std::strerror(errno));
    std::vector<int> cpus;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &set))
            cpus.push_back(cpu);
    return Result<std::vector<int>>::ok(cpus);
}

}  // namespace

AffinityKnob::AffinityKnob(pid_t tid) : m_tid(tid == 0 ? currentThreadId() : tid)
{
    m_info.id = "app.affinity." + std::to_string(m_tid);
    m_info.unit = Unit::None;
    m_info.source = "sched_setaffinity(" + std::to_string(m_tid) + ")";
    m_info.description = "CPUs thread " + std::to_string(m_tid) + " may run on";
    for (const int cpu : affinityOf(::getpid()).valueOr({}))
        m_info.allowed.push_back(cpu);
}

pid_t AffinityKnob::currentThreadId()
{
    return static_cast<pid_t>(::syscall(SYS_gettid));
}

std::vector<pid_t> AffinityKnob::processThreadIds()
{
    std::vector<pid_t> out;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", ec)) {
        try {
            out.push_back(static_cast<pid_t>(std::stol(entry.path().filename().string())));
        } catch (const std::exception&) {
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

Result<std::string> AffinityKnob::get() const
{
    const Result<std::vector<int>> cpus = affinityOf(m_tid);
    if (!cpus)
        return Result<std::string>::fail(cpus.error());
    return Result<std::string>::ok(formatCpuList(cpus.value()));
}

Result<std::string> AffinityKnob::set(const std::string& value)
{
    const Result<std::vector<int>> cpus = parseCpuList(value);
    if (!cpus)
        return Result<std::string>::fail(m_info.id + ": " + cpus.error());
    cpu_set_t set;
    CPU_ZERO(&set);
    for (const int cpu : cpus.value()) {
        if (!m_info.allowed.empty() &&
            !std::binary_search(m_info.allowed.begin(), m_info.allowed.end(), cpu))
            return Result<std::string>::fail(m_info.id + ": CPU " + std::to_string(cpu) +
                                             " is not available to this process");
        CPU_SET(cpu, &set);
    }
    if (::sched_setaffinity(m_tid, sizeof set, &set) != 0)
        return Result<std::string>::fail("sched_setaffinity(" + std::to_string(m_tid) + ", " +
                                         value + "): " + std::strerror(errno));
    return get();
}

Result<std::vector<int>> AffinityKnob::parseCpuList(const std::string& text)
{
    std::vector<int> cpus;
    std::stringstream in(text);
    for (std::string token; std::getline(in, token, ',');) {
        const auto dash = token.find('-');
        const auto lo = parseInteger(token.substr(0, dash), "CPU list '" + text + "'");
        const auto hi = dash == std::string::npos
                            ? lo
                            : parseInteger(token.substr(dash + 1), "CPU list '" + text + "'");
        if (!lo)
            return Result<std::vector<int>>::fail(lo.error());
        if (!hi)
            return Result<std::vector<int>>::fail(hi.error());
        if (lo.value() < 0 || hi.value() >= CPU_SETSIZE || lo.value() > hi.value())
            return Result<std::vector<int>>::fail("CPU list '" + text + "': bad range '" + token +
                                                  "'");
        for (auto cpu = lo.value(); cpu <= hi.value(); ++cpu)
            cpus.push_back(static_cast<int>(cpu));
    }
    std::sort(cpus.begin(), cpus.end());
    cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
    if (cpus.empty())
        return Result<std::vector<int>>::fail("CPU list '" + text + "' is empty");
    return Result<std::vector<int>>::ok(cpus);
}

std::string AffinityKnob::formatCpuList(const std::vector<int>& cpus)
{
    std::string out;
    for (std::size_t i = 0; i < cpus.size();) {
        std::size_t j = i;
        while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1)
            ++j;
        out += (out.empty() ? "" : ",") + std::to_string(cpus[i]);
        if (j > i)
            out += "-" + std::to_string(cpus[j]);
        i = j + 1;
    }
    return out;
}

}  // namespace dofa
