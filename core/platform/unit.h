// SPDX-License-Identifier: MIT
#pragma once

namespace dofa {

/// Canonical units of every monitor and knob. Backends convert once, at the edge (devfreq Hz,
/// NVML MHz, hwmon mV x mA, RAPL µJ), so that nothing above the platform layer converts units.
enum class Unit {
    None,          ///< text values (governors, CPU lists)
    MilliWatt,     ///< mW
    MilliVolt,     ///< mV
    MilliAmp,      ///< mA
    MicroJoule,    ///< µJ
    KiloHertz,     ///< kHz, every clock
    MilliCelsius,  ///< m°C
    PerMille,      ///< load, 0..1000
    Count,         ///< threads, cores
};

/// Short symbol for display ("mW", "kHz", "‰"); empty for Unit::None.
inline const char* unitSymbol(Unit unit)
{
    switch (unit) {
        case Unit::None:
            return "";
        case Unit::MilliWatt:
            return "mW";
        case Unit::MilliVolt:
            return "mV";
        case Unit::MilliAmp:
            return "mA";
        case Unit::MicroJoule:
            return "µJ";
        case Unit::KiloHertz:
            return "kHz";
        case Unit::MilliCelsius:
            return "m°C";
        case Unit::PerMille:
            return "‰";
        case Unit::Count:
            return "count";
    }
    return "";
}

}  // namespace dofa
