// SPDX-License-Identifier: MIT
// `dofa run --device` (issue 14, CUDA): cpu runs; a device string other than cpu, cuda or
// cuda:N is a usage error; on a LibTorch without CUDA (Debian's) `--device cuda` is a usage
// error that says why and how to build against one with CUDA; OpenCV DNN is refused on CUDA.
#include <QtTest>

#include "cli/cli.h"
#include "cli_process.h"
#include "model/compute_device.h"
#include "tiny_setup.h"

using namespace dofa::test;

class TestCliDevice : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void helpNamesTheOption()
    {
        const CliRun r = dofaRun({"run", "--help"});
        QCOMPARE(r.code, int{dofa::kExitOk});
        QVERIFY2(r.out.contains("--device"), qPrintable(r.out));
    }

    void cpuRuns()
    {
        QTemporaryDir dir;
        writeSplit(dir.path(), "t10k", 12);
        const CliRun r = dofaRun({"run", "--device", "cpu", "--data", dir.path(), "--threads", "1",
                                  "--frames", "6", "--platform", "none", "-q"});
        QVERIFY2(r.code == dofa::kExitOk, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains("device  cpu\n"), qPrintable(r.out));
        QVERIFY2(r.out.contains("summary ("), qPrintable(r.out));
    }

    void badDeviceIsAUsageError_data()
    {
        QTest::addColumn<QString>("device");
        for (const char* bad : {"gpu", "CUDA", "cuda:", "cuda:x", "mps", "cpu:0"})
            QTest::addRow("%s", bad) << QString(bad);
    }
    void badDeviceIsAUsageError()
    {
        QFETCH(QString, device);
        const CliRun r = dofaRun({"run", "--device", device, "--frames", "1"});
        QCOMPARE(r.code, int{dofa::kExitUsage});
        QVERIFY2(r.err.contains("--device '" + device + "': expected cpu, cuda or cuda:N"),
                 qPrintable(r.err));
    }

    void cudaSaysWhyItIsUnavailable()
    {
        // Debian's LibTorch has no CUDA: say so and how to build against one that has. With a
        // CUDA LibTorch the same refusal holds for a device index no machine has. (No QSKIP:
        // CI fails on skips.)
        const bool hasCuda = dofa::ComputeDevice::torchHasCuda();
        const QString device = hasCuda ? "cuda:999" : "cuda";
        const CliRun r = dofaRun({"run", "--device", device, "--frames", "1"});
        QCOMPARE(r.code, int{dofa::kExitUsage});
        QVERIFY2(r.err.contains("--device " + device + ": "), qPrintable(r.err));
        if (hasCuda) {
            QVERIFY2(r.err.contains("no CUDA device"), qPrintable(r.err));
        } else {
            QVERIFY2(r.err.contains("this LibTorch was built without CUDA"), qPrintable(r.err));
            QVERIFY2(r.err.contains("-DTorch_DIR="), qPrintable(r.err));
        }
    }

    void opencvIsRefusedOnCuda()
    {
        const CliRun r =
            dofaRun({"run", "--device", "cuda:0", "--backend", "opencv", "--frames", "1"});
        QCOMPARE(r.code, int{dofa::kExitUsage});
        QVERIFY2(r.err.contains("--backend opencv runs on the CPU only"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliDevice)
#include "tst_cli_device.moc"
