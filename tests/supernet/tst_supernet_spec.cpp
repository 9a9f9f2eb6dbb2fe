// SPDX-License-Identifier: MIT
// The OFA presets against the published key/shape table (reference/ofa-supernet.md §1-2).
#include <QtTest>
#include <map>
#include <vector>

#include "supernet/supernet.h"

using namespace dofa;

namespace {

struct RefBlock
{
    int in, out, midMax, seMax;  // seMax 0: no SE
};

struct RefNet
{
    const char* preset;
    int stem, block0Out, finalExpand, lastChannel;
    std::vector<RefBlock> blocks;  // blocks 1..20
    qint64 params;
};

std::vector<RefBlock> expandRows(const std::vector<std::pair<int, RefBlock>>& rows)
{
    std::vector<RefBlock> out;
    for (const auto& [count, b] : rows) {
        for (int i = 0; i < count; ++i) {
            out.push_back(b);
        }
    }
    return out;
}

// Table 1.3 of the reference: in -> out, mid at e=6, SE mid at e=6.
RefNet w10()
{
    return {"ofa-mbv3-w1.0",
            16,
            16,
            960,
            1280,
            expandRows({{1, {16, 24, 96, 0}},
                        {3, {24, 24, 144, 0}},
                        {1, {24, 40, 144, 40}},
                        {3, {40, 40, 240, 64}},
                        {1, {40, 80, 240, 0}},
                        {3, {80, 80, 480, 0}},
                        {1, {80, 112, 480, 120}},
                        {3, {112, 112, 672, 168}},
                        {1, {112, 160, 672, 168}},
                        {3, {160, 160, 960, 240}}}),
            7678880};
}

RefNet w12()
{
    return {"ofa-mbv3-w1.2",
            24,
            24,
            1152,
            1536,
            expandRows({{1, {24, 32, 144, 0}},
                        {3, {32, 32, 192, 0}},
                        {1, {32, 48, 192, 48}},
                        {3, {48, 48, 288, 72}},
                        {1, {48, 96, 288, 0}},
                        {3, {96, 96, 576, 0}},
                        {1, {96, 136, 576, 144}},
                        {3, {136, 136, 816, 208}},
                        {1, {136, 192, 816, 208}},
                        {3, {192, 192, 1152, 288}}}),
            10715752};
}

using Table = std::map<std::string, std::vector<int64_t>>;

void addBn(Table& t, const std::string& prefix, int c)
{
    for (const char* n : {"weight", "bias", "running_mean", "running_var"}) {
        t[prefix + "." + n] = {c};
    }
    t[prefix + ".num_batches_tracked"] = {};
}

Table referenceTable(const RefNet& r)
{
    Table t;
    t["first_conv.conv.weight"] = {r.stem, 3, 3, 3};
    addBn(t, "first_conv.bn", r.stem);
    t["blocks.0.conv.depth_conv.conv.weight"] = {r.stem, 1, 3, 3};
    addBn(t, "blocks.0.conv.depth_conv.bn", r.stem);
    t["blocks.0.conv.point_linear.conv.weight"] = {r.block0Out, r.stem, 1, 1};
    addBn(t, "blocks.0.conv.point_linear.bn", r.block0Out);
    for (size_t i = 0; i < r.blocks.size(); ++i) {
        const RefBlock& b = r.blocks[i];
        const std::string p = "blocks." + std::to_string(i + 1) + ".conv.";
        t[p + "inverted_bottleneck.conv.conv.weight"] = {b.midMax, b.in, 1, 1};
        addBn(t, p + "inverted_bottleneck.bn.bn", b.midMax);
        t[p + "depth_conv.conv.conv.weight"] = {b.midMax, 1, 7, 7};
        t[p + "depth_conv.conv.7to5_matrix"] = {25, 25};
        t[p + "depth_conv.conv.5to3_matrix"] = {9, 9};
        addBn(t, p + "depth_conv.bn.bn", b.midMax);
        if (b.seMax) {
            t[p + "depth_conv.se.fc.reduce.weight"] = {b.seMax, b.midMax, 1, 1};
            t[p + "depth_conv.se.fc.reduce.bias"] = {b.seMax};
            t[p + "depth_conv.se.fc.expand.weight"] = {b.midMax, b.seMax, 1, 1};
            t[p + "depth_conv.se.fc.expand.bias"] = {b.midMax};
        }
        t[p + "point_linear.conv.conv.weight"] = {b.out, b.midMax, 1, 1};
        addBn(t, p + "point_linear.bn.bn", b.out);
    }
    const int last = r.blocks.back().out;
    t["final_expand_layer.conv.weight"] = {r.finalExpand, last, 1, 1};
    addBn(t, "final_expand_layer.bn", r.finalExpand);
    t["feature_mix_layer.conv.weight"] = {r.lastChannel, r.finalExpand, 1, 1};
    t["classifier.linear.weight"] = {1000, r.lastChannel};
    t["classifier.linear.bias"] = {1000};
    return t;
}

}  // namespace

class TestSupernetSpec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void makeDivisible_data()
    {
        QTest::addColumn<double>("v");
        QTest::addColumn<int>("expected");
        QTest::addRow("16*1.2") << 19.2 << 24;
        QTest::addRow("72/4") << 18.0 << 24;
        QTest::addRow("120/4") << 30.0 << 32;
        QTest::addRow("144/4") << 36.0 << 40;
        QTest::addRow("336/4") << 84.0 << 88;
        QTest::addRow("408/4") << 102.0 << 104;
        QTest::addRow("tiny") << 3.0 << 8;
    }
    void makeDivisible()
    {
        QFETCH(double, v);
        QFETCH(int, expected);
        QCOMPARE(dofa::makeDivisible(v, 8), expected);
    }

    void ofaKeyTable_data()
    {
        QTest::addColumn<int>("which");
        QTest::addRow("w1.0") << 0;
        QTest::addRow("w1.2") << 1;
    }
    void ofaKeyTable()
    {
        QFETCH(int, which);
        const RefNet ref = which == 0 ? w10() : w12();
        const Table expected = referenceTable(ref);
        QCOMPARE(expected.size(), size_t{475});
        Supernet net(SupernetSpec::preset(ref.preset));
        Table actual;
        int batches = 0;
        for (const auto& [key, t] : net->stateDict()) {
            QVERIFY2(actual.count(key) == 0, key.c_str());
            actual[key] = t.sizes().vec();
            batches += key.find("num_batches_tracked") != std::string::npos;
        }
        for (const auto& [key, shape] : expected) {
            QVERIFY2(actual.count(key) == 1, ("missing " + key).c_str());
            QVERIFY2(actual[key] == shape, ("shape of " + key).c_str());
        }
        QCOMPARE(actual.size(), expected.size());
        QCOMPARE(batches, 64);
        QCOMPARE(static_cast<qint64>(net->parameterCount()), ref.params);
    }

    void jsonRoundTrip()
    {
        for (const std::string& name : SupernetSpec::presetNames()) {
            const SupernetSpec s = SupernetSpec::preset(name);
            QVERIFY(s.validate().empty());
            QCOMPARE(SupernetSpec::fromJson(s.toJson()).toJson(), s.toJson());
        }
    }

    void badSpecsAreNamed()
    {
        QJsonObject o = SupernetSpec::preset("fmnist-mbv3").toJson();
        o.remove("ks");
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, SupernetSpec::fromJson(o));
        try {
            SupernetSpec::fromJson(o);
        } catch (const std::runtime_error& e) {
            QVERIFY(QString(e.what()).contains("'ks'"));
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SupernetSpec::preset("nope"));
        SupernetSpec s = SupernetSpec::preset("fmnist-mbv3");
        s.kernelSizes = {5, 3};
        QVERIFY(!s.validate().empty());
    }
};

QTEST_GUILESS_MAIN(TestSupernetSpec)
#include "tst_supernet_spec.moc"
