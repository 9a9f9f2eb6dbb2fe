// SPDX-License-Identifier: MIT
#include <QtTest>

#include "fixture_tree.h"
#include "platform/knob.h"
#include "platform/sysfs_root.h"
#include <unistd.h>

using namespace dofa;

/// The file layer every backend reads through: values, errors that name the file, links.
class TestSysfsRoot : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsTrimmedValues()
    {
        FixtureTree tree("orin-nano-jp6");
        QVERIFY(tree.isValid());
        const SysfsRoot root(tree.root());
        QCOMPARE(root.readInt("/sys/devices/system/cpu/cpufreq/policy0/scaling_max_freq").value(),
                 1510400);
        // Device-tree strings end in a NUL, read through the of_node link.
        QCOMPARE(root.readText("/sys/class/devfreq/17000000.gpu/device/of_node/name").value(),
                 std::string("gpu"));
        const auto table = root.readIntList(
            "/sys/devices/system/cpu/cpufreq/policy4/scaling_available_frequencies");
        QVERIFY(table);
        QCOMPARE(table.value().front(), 115200);
        QCOMPARE(table.value().back(), 1510400);
    }

    void errorsNameTheFile()
    {
        FixtureTree tree("xavier-nx-jp5");
        const SysfsRoot root(tree.root());
        const std::string file = "/sys/bus/i2c/devices/7-0040/hwmon/hwmon6/in1_input";
        tree.write(file, "12a4\n");
        const auto bad = root.readInt(file);
        QVERIFY(!bad);
        QVERIFY2(bad.error().find(tree.path(file)) != std::string::npos, bad.error().c_str());
        QVERIFY2(bad.error().find("'12a4'") != std::string::npos, bad.error().c_str());

        tree.write(file, "\n");
        QVERIFY(root.readInt(file).error().find("empty") != std::string::npos);

        const auto missing = root.readInt("/sys/nothing/here");
        QVERIFY(!missing);
        QVERIFY(missing.error().find(tree.path("/sys/nothing/here")) != std::string::npos);
        QVERIFY_THROWS_EXCEPTION(std::logic_error, (void)missing.value());
        QCOMPARE(missing.valueOr(-1), -1);

        tree.write("/sys/list", "100 2x0 300\n");
        const auto list = root.readIntList("/sys/list");
        QVERIFY(!list);
        QVERIFY(list.error().find("'2x0'") != std::string::npos);
    }

    void listsInNaturalOrder()
    {
        FixtureTree tree("agx-orin-jp5");
        const SysfsRoot root(tree.root());
        const auto policies = root.list("/sys/devices/system/cpu/cpufreq", "policy");
        QCOMPARE(policies, (std::vector<std::string>{"policy0", "policy4", "policy8"}));
        const auto cpus = root.list("/sys/devices/system/cpu", "cpu");
        QCOMPARE(cpus.at(2), std::string("cpu2"));
        QCOMPARE(cpus.at(11), std::string("cpu11"));
        QCOMPARE(cpus.back(), std::string("cpufreq"));  // letters after digits
        QVERIFY(root.list("/sys/missing").empty());
    }

    void resolvesLinksInsideTheRoot()
    {
        FixtureTree tree("xavier-nx-jp4");
        const SysfsRoot root(tree.root());
        QCOMPARE(root.resolve("/sys/class/devfreq/17000000.gv11b").value(),
                 std::string("/sys/devices/17000000.gv11b/devfreq/17000000.gv11b"));
        QCOMPARE(root.resolve("/sys/class/devfreq/17000000.gv11b/device").value(),
                 std::string("/sys/devices/17000000.gv11b"));
        std::filesystem::create_symlink("/etc", tree.path("/sys/escape"));
        const auto out = root.resolve("/sys/escape");
        QVERIFY(!out);
        QVERIFY(out.error().find("outside") != std::string::npos);
    }

    void writesAndRefusesWhenReadOnly()
    {
        FixtureTree tree("x86-rapl");
        const std::string file = "/sys/devices/system/cpu/cpufreq/policy0/scaling_max_freq";
        const SysfsRoot root(tree.root());
        QVERIFY(root.writeProblem(file).empty());
        QVERIFY(root.write(file, "3000000"));
        QCOMPARE(tree.read(file), std::string("3000000\n"));

        const SysfsRoot readOnly(tree.root(), true);
        const std::string problem = readOnly.writeProblem(file);
        QVERIFY(problem.rfind("read-only", 0) == 0);
        QVERIFY(problem.find(tree.path(file)) != std::string::npos);
        const auto refused = readOnly.write(file, "1000000");
        QVERIFY(!refused);
        QCOMPARE(tree.read(file), std::string("3000000\n"));
        QVERIFY(!root.write("/sys/no/such/file", "1"));
    }

    void noPermissionIsAClearMessage()
    {
        FixtureTree tree("x86-rapl");
        const std::string file = "/sys/devices/system/cpu/cpufreq/policy0/scaling_max_freq";
        namespace fs = std::filesystem;
        // Only the file is closed: its folders stay open to everyone, so the refusal is the file's.
        fs::permissions(tree.root(), fs::perms::owner_all | fs::perms::group_read |
                                         fs::perms::group_exec | fs::perms::others_read |
                                         fs::perms::others_exec);
        fs::permissions(tree.path(file),
                        fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
        const SysfsRoot root(tree.root());
        // Root bypasses file permissions (CI runs as root): check as the unprivileged "nobody"
        // for the length of the call, then take root back (the saved user id is still 0).
        const bool asRoot = ::geteuid() == 0;
        if (asRoot)
            QVERIFY2(::seteuid(65534) == 0, "seteuid(nobody) failed");
        const std::string problem = root.writeProblem(file);
        if (asRoot)
            QVERIFY2(::seteuid(0) == 0, "seteuid(0) failed");
        QVERIFY2(problem.find("no permission") != std::string::npos, problem.c_str());
    }

    void parsesAndSnaps()
    {
        QCOMPARE(parseInteger(" 42\n", "x").value(), 42);
        QVERIFY(!parseInteger("4 2", "x"));
        QVERIFY(!parseInteger("", "x"));
        const std::vector<std::int64_t> table = {100, 200, 400};
        QCOMPARE(snapToAllowed(table, 0), 100);
        QCOMPARE(snapToAllowed(table, 149), 100);
        QCOMPARE(snapToAllowed(table, 150), 100);  // ties go down
        QCOMPARE(snapToAllowed(table, 151), 200);
        QCOMPARE(snapToAllowed(table, 9999), 400);
        QCOMPARE(snapToAllowed({}, 123), 123);
    }
};

QTEST_GUILESS_MAIN(TestSysfsRoot)
#include "tst_sysfs_root.moc"
