// SPDX-License-Identifier: MIT
#include <QtTest>

#include <torch/cuda.h>

#include "search/device_descriptor.h"

using namespace dofa;

class TestDeviceDescriptor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cpuModelFromCpuinfoText()
    {
        QCOMPARE(QString::fromStdString(cpuModelFromCpuinfo(
                     "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) "
                     "CPU @ 2.20GHz\nflags\t: fpu\n")),
                 QString("Intel(R) Xeon(R) CPU @ 2.20GHz"));
        // Jetson (arm64) cpuinfo has no "model name"; the board name is under "Model".
        QCOMPARE(QString::fromStdString(cpuModelFromCpuinfo(
                     "processor\t: 0\nBogoMIPS\t: 62.50\nCPU part\t: 0xd42\n\nModel\t\t: NVIDIA "
                     "Jetson Orin Nano Developer Kit\n")),
                 QString("NVIDIA Jetson Orin Nano Developer Kit"));
        QCOMPARE(QString::fromStdString(cpuModelFromCpuinfo("")), QString());
    }

    void currentAndJson()
    {
        const DeviceDescriptor d = DeviceDescriptor::current(2);
        QCOMPARE(QString::fromStdString(d.kind), QString("cpu"));
        QCOMPARE(QString::fromStdString(d.id()), QString("cpu-2t"));
        QVERIFY(!d.cpuModel.empty());
        QVERIFY(QString::fromStdString(d.describe()).contains("2 threads"));
        const DeviceDescriptor back = DeviceDescriptor::fromJson(d.toJson());
        QVERIFY(back.sameHardware(d));
        DeviceDescriptor other = d;
        other.threads = 1;
        QVERIFY(!other.sameHardware(d));
        if (!torch::cuda::is_available()) {
            QVERIFY_THROWS_EXCEPTION(std::runtime_error, DeviceDescriptor::current(1, 0));
        }
    }

    void badJsonNamesTheField()
    {
        QJsonObject o = DeviceDescriptor::current(1).toJson();
        o.remove("threads");
        try {
            DeviceDescriptor::fromJson(o);
            QFAIL("missing threads accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("'threads'"), e.what());
        }
        o = DeviceDescriptor::current(1).toJson();
        o["kind"] = "tpu";
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, DeviceDescriptor::fromJson(o));
    }
};

QTEST_GUILESS_MAIN(TestDeviceDescriptor)
#include "tst_device_descriptor.moc"
