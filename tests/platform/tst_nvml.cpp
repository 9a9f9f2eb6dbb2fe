// SPDX-License-Identifier: MIT
#include <QtTest>

#include "platform/knob_guard.h"
#include "platform/nvml_backend.h"
#include "platform/nvml_library.h"
#include "platform/platform.h"
#include <dlfcn.h>

using namespace dofa;

namespace {

/// A symbol of the fake library (same handle as NvmlLibrary's dlopen, so the same state).
template <typename Fn>
Fn fake(const char* symbol)
{
    void* handle = ::dlopen(DOFA_FAKE_NVML, RTLD_NOW | RTLD_LOCAL);
    return handle ? reinterpret_cast<Fn>(::dlsym(handle, symbol)) : nullptr;
}

}  // namespace

/// NVML through dlopen: absent -> unavailable cleanly; present -> units converted, locked clocks.
class TestNvml : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void absentLibraryIsUnavailable()
    {
        const auto lib = NvmlLibrary::load("libdofa-missing-nvml.so.1");
        QVERIFY(!lib);
        QVERIFY(lib.error().find("libdofa-missing-nvml.so.1") != std::string::npos);
        Discovery d;
        NvmlBackend::discover("libdofa-missing-nvml.so.1", d);
        QVERIFY(d.monitors.empty());
        QVERIFY(d.knobs.empty());
        QCOMPARE(int(d.problems.size()), 1);
        Discovery skipped;
        NvmlBackend::discover("", skipped);
        QVERIFY(skipped.problems.empty());
    }

    void libraryWithoutNvmlSymbols()
    {
        const auto lib = NvmlLibrary::load("libc.so.6");  // loads, but is not NVML
        QVERIFY(!lib);
        QVERIFY2(lib.error().find("lacks nvmlInit_v2") != std::string::npos, lib.error().c_str());
    }

    void monitorsInCanonicalUnits()
    {
        Discovery d;
        NvmlBackend::discover(DOFA_FAKE_NVML, d);
        auto value = [&](const std::string& id) {
            for (const auto& m : d.monitors)
                if (m->info().id == id)
                    return m->read().value().value;
            throw std::runtime_error("no " + id);
        };
        QCOMPARE(value("power.nvml0"), 42500.0);      // mW
        QCOMPARE(value("freq.nvml0.sm"), 1410000.0);  // MHz -> kHz
        QCOMPARE(value("freq.nvml0.mem"), 1593000.0);
        QCOMPARE(value("load.nvml0"), 370.0);    // % -> ‰
        QCOMPARE(value("temp.nvml0"), 61000.0);  // °C -> m°C
        QCOMPARE(int(d.monitors.size()), 5);     // energy: NotSupported, left out
        QVERIFY(d.problems.front().find("energy") != std::string::npos);
        QVERIFY(d.found.front().find("Fake GPU") != std::string::npos);
        QCOMPARE(d.monitors.front()->info().source, std::string("nvml:0"));
    }

    void lockedClocksUnderAGuard()
    {
        Discovery d;
        NvmlBackend::discover(DOFA_FAKE_NVML, d);
        QCOMPARE(int(d.knobs.size()), 1);
        const auto knob = d.knobs.front();
        QCOMPARE(knob->info().id, std::string("nvml0.locked_khz"));
        QCOMPARE(knob->info().allowed.front(), 210000);
        const auto lockedMax = fake<unsigned (*)()>("fake_nvml_locked_max");
        const auto resets = fake<int (*)()>("fake_nvml_resets");
        QVERIFY(lockedMax && resets);
        const int resetsBefore = resets();
        {
            KnobGuard guard(false);
            QCOMPARE(guard.set(knob, "1500000").value(), std::string("1410000"));  // snapped
            QCOMPARE(lockedMax(), 1410u);
        }
        QCOMPARE(lockedMax(), 0u);
        QCOMPARE(resets(), resetsBefore + 1);
        QVERIFY(!knob->set("fast"));

        fake<void (*)(int)>("fake_nvml_deny_set")(1);
        const auto denied = knob->set("1005000");
        fake<void (*)(int)>("fake_nvml_deny_set")(0);
        QVERIFY(!denied);
        QVERIFY2(denied.error().find("needs root") != std::string::npos, denied.error().c_str());
    }

    void platformListsNvml()
    {
        QTemporaryDir empty;
        Platform::Options options;
        options.root = empty.path().toStdString();
        options.nvmlLibrary = DOFA_FAKE_NVML;
        const Platform p = Platform::discover(options);
        QVERIFY(p.hasHardware());
        QVERIFY(p.monitor("power.nvml0"));
        QVERIFY(p.description().find("NVML Fake GPU") != std::string::npos);
    }

    void shutdownWhenReleased()
    {
        const auto initialised = fake<int (*)()>("fake_nvml_initialised");
        const int before = initialised();
        {
            const auto lib = NvmlLibrary::load(DOFA_FAKE_NVML);
            QVERIFY(lib);
            QCOMPARE(initialised(), before + 1);
        }
        QCOMPARE(initialised(), before);
    }
};

QTEST_GUILESS_MAIN(TestNvml)
#include "tst_nvml.moc"
