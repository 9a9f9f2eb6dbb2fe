// SPDX-License-Identifier: MIT
// The model's input contract: factories, JSON layout and round trip, errors naming the field,
// the check against the spec, and the class-name files.
#include <QtTest>

#include "supernet/input_contract.h"
#include "supernet/supernet_spec.h"

using namespace dofa;

namespace {

void writeText(const QString& path, const QByteArray& text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text);
}

QJsonObject fmnistJson()
{
    return InputContract::fashionMnist(SupernetSpec::preset("fmnist-mbv3")).toJson();
}

}  // namespace

class TestInputContract : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fashionMnistFromSpec()
    {
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        const InputContract c = InputContract::fashionMnist(spec);
        QCOMPARE(c.validate(), std::string());
        QCOMPARE(c.mismatchWith(spec), std::string());
        QCOMPARE(c.channels, 1);
        QVERIFY(c.colour == InputContract::ColourOrder::Gray);
        QVERIFY(c.resize == InputContract::Resize::GrayCentreSquare);
        QVERIFY(c.invert == InputContract::Invert::Auto);
        QCOMPARE(c.nativeSize, 28);
        // The spec's numbers, not a second copy of them.
        QCOMPARE(c.mean, spec.mean);
        QCOMPARE(c.std, spec.std);
        QCOMPARE(c.resolutions, (std::vector<int>{24, 28, 32}));
        QCOMPARE(c.classNames.size(), size_t{10});
        QCOMPARE(c.classNames.front(), std::string("T-shirt/top"));
        QCOMPARE(c.classNames.back(), std::string("Ankle boot"));
        QCOMPARE(c.resizeShorterSideTo(28), 28);
    }

    void imagenetFromSpec()
    {
        const SupernetSpec spec = SupernetSpec::preset("ofa-mbv3-w1.0");
        const InputContract c =
            InputContract::imagenet(spec, InputContract::imagenet1kClassNames());
        QCOMPARE(c.validate(), std::string());
        QCOMPARE(c.mismatchWith(spec), std::string());
        QCOMPARE(c.channels, 3);
        QVERIFY(c.colour == InputContract::ColourOrder::RGB);
        QVERIFY(c.resize == InputContract::Resize::ShorterSideCentreCrop);
        QCOMPARE(c.cropFraction, 0.875);
        QCOMPARE(c.mean, (std::vector<float>{0.485f, 0.456f, 0.406f}));
        QCOMPARE(c.std, (std::vector<float>{0.229f, 0.224f, 0.225f}));
        QCOMPARE(c.resolutions, spec.resolutions);
        // OFA: Resize(int(math.ceil(r / 0.875))), worked out by hand.
        QCOMPARE(c.resizeShorterSideTo(224), 256);
        QCOMPARE(c.resizeShorterSideTo(128), 147);  // 146.29
        QCOMPARE(c.resizeShorterSideTo(160), 183);  // 182.86
        QCOMPARE(c.resizeShorterSideTo(192), 220);  // 219.43
        QCOMPARE(c.resizeShorterSideTo(196), 224);  // exactly 224: no rounding up
    }

    void factoriesRefuseOtherSpecs()
    {
        const SupernetSpec ofa = SupernetSpec::preset("ofa-mbv3-w1.0");
        const SupernetSpec fm = SupernetSpec::preset("fmnist-mbv3");
        try {
            (void)InputContract::fashionMnist(ofa);
            QFAIL("Fashion-MNIST contract for a 3-channel spec");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("ofa-mbv3-w1.0"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 InputContract::imagenet(fm, std::vector<std::string>(10, "x")));
        try {
            (void)InputContract::imagenet(ofa, std::vector<std::string>(999, "x"));
            QFAIL("999 names for 1000 classes");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("999") && QString(e.what()).contains("1000"),
                     e.what());
        }
    }

    void jsonLayout()
    {
        const QJsonObject f = fmnistJson();
        QCOMPARE(f.value("channels").toInt(), 1);
        QCOMPARE(f.value("colour").toString(), QString("gray"));
        QCOMPARE(
            f.value("resize").toObject(),
            (QJsonObject{{"rule", "gray-centre-square"}, {"native_size", 28}, {"invert", "auto"}}));
        QCOMPARE(f.value("resolutions").toArray(), (QJsonArray{24, 28, 32}));
        QCOMPARE(f.value("class_names").toArray().size(), 10);
        const QJsonObject i = InputContract::imagenet(SupernetSpec::preset("ofa-mbv3-w1.2"),
                                                      InputContract::imagenet1kClassNames())
                                  .toJson();
        QCOMPARE(i.value("colour").toString(), QString("rgb"));
        QCOMPARE(i.value("resize").toObject(),
                 (QJsonObject{{"rule", "shorter-side-centre-crop"}, {"crop_fraction", 0.875}}));
        QCOMPARE(i.value("mean").toArray().size(), 3);
        QCOMPARE(i.value("class_names").toArray().first().toString(), QString("tench"));
    }

    void roundTrip_data()
    {
        QTest::addColumn<QJsonObject>("json");
        QTest::addRow("fashion-mnist") << fmnistJson();
        QTest::addRow("imagenet") << InputContract::imagenet(SupernetSpec::preset("ofa-mbv3-w1.0"),
                                                             InputContract::imagenet1kClassNames())
                                         .toJson();
        QJsonObject bgr = InputContract::imagenet(SupernetSpec::preset("ofa-mbv3-w1.0"),
                                                  std::vector<std::string>(1000, "n"))
                              .toJson();
        bgr["colour"] = "bgr";
        bgr["resize"] = QJsonObject{{"rule", "shorter-side-centre-crop"}, {"crop_fraction", 1.0}};
        QTest::addRow("bgr, no crop") << bgr;
        QJsonObject never = fmnistJson();
        never["resize"] =
            QJsonObject{{"rule", "gray-centre-square"}, {"native_size", 32}, {"invert", "never"}};
        QTest::addRow("invert never") << never;
    }
    void roundTrip()
    {
        QFETCH(QJsonObject, json);
        const InputContract c = InputContract::fromJson(json);
        QCOMPARE(c.toJson(), json);
        QCOMPARE(InputContract::fromJson(c.toJson()).toJson(), json);
    }

    void badJsonNamesTheField_data()
    {
        QTest::addColumn<QJsonObject>("json");
        QTest::addColumn<QString>("needle");
        auto with = [](const char* key, const QJsonValue& v) {
            QJsonObject o = fmnistJson();
            if (v.isUndefined()) {
                o.remove(key);
            } else {
                o[key] = v;
            }
            return o;
        };
        auto withRule = [&](const QJsonObject& rule) { return with("resize", rule); };
        QTest::addRow("no channels")
            << with("channels", QJsonValue::Undefined) << "input.channels: missing";
        QTest::addRow("channels text") << with("channels", "one") << "input.channels: not an int";
        QTest::addRow("channels 2") << with("channels", 2) << "input.channels: 2";
        QTest::addRow("colour cmyk")
            << with("colour", "cmyk") << "input.colour: 'cmyk' is not one of gray, rgb, bgr";
        QTest::addRow("rgb, 1 channel") << with("colour", "rgb") << "input.colour";
        QTest::addRow("mean 2 values") << with("mean", QJsonArray{0.1, 0.2}) << "input.mean/std";
        QTest::addRow("mean text") << with("mean", QJsonArray{"x"}) << "input.mean[0]: not a";
        QTest::addRow("std zero") << with("std", QJsonArray{0.0}) << "input.std";
        QTest::addRow("no resize")
            << with("resize", QJsonValue::Undefined) << "input.resize: missing";
        QTest::addRow("resize text") << with("resize", "bilinear") << "input.resize: not an object";
        QTest::addRow("unknown rule")
            << withRule({{"rule", "stretch"}}) << "input.resize.rule: 'stretch' is not one of";
        QTest::addRow("no native size")
            << withRule({{"rule", "gray-centre-square"}, {"invert", "auto"}})
            << "input.resize.native_size: missing";
        QTest::addRow("invert sometimes")
            << withRule({{"rule", "gray-centre-square"}, {"native_size", 28}, {"invert", "maybe"}})
            << "input.resize.invert: 'maybe'";
        QTest::addRow("no resolutions")
            << with("resolutions", QJsonArray{}) << "input.resolutions: empty";
        QTest::addRow("descending") << with("resolutions", QJsonArray{32, 28})
                                    << "input.resolutions: [32,28] (positive and ascending";
        QTest::addRow("fractional r")
            << with("resolutions", QJsonArray{24.5}) << "input.resolutions[0]: not an integer";
        QTest::addRow("no names") << with("class_names", QJsonArray{})
                                  << "input.class_names: empty";
        QTest::addRow("number name")
            << with("class_names", QJsonArray{"a", 3}) << "input.class_names[1]: not a string";
        QTest::addRow("empty name")
            << with("class_names", QJsonArray{"a", ""}) << "input.class_names[1]: empty";
        QJsonObject rgb = InputContract::imagenet(SupernetSpec::preset("ofa-mbv3-w1.0"),
                                                  std::vector<std::string>(1000, "n"))
                              .toJson();
        rgb["resize"] = QJsonObject{{"rule", "shorter-side-centre-crop"}, {"crop_fraction", 1.5}};
        QTest::addRow("crop 1.5") << rgb << "input.resize.crop_fraction";
    }
    void badJsonNamesTheField()
    {
        QFETCH(QJsonObject, json);
        QFETCH(QString, needle);
        try {
            (void)InputContract::fromJson(json);
            QFAIL("accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).startsWith(needle), e.what());
        }
    }

    void mismatchWithSpecNamesTheField()
    {
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        InputContract c = InputContract::fashionMnist(spec);
        c.mean = {0.5f};
        QVERIFY2(QString::fromStdString(c.mismatchWith(spec)).startsWith("mean:"),
                 c.mismatchWith(spec).c_str());
        c = InputContract::fashionMnist(spec);
        c.resolutions = {28};
        QVERIFY(QString::fromStdString(c.mismatchWith(spec)).startsWith("resolutions:"));
        c = InputContract::fashionMnist(spec);
        c.classNames.pop_back();
        const QString msg = QString::fromStdString(c.mismatchWith(spec));
        QVERIFY2(
            msg.startsWith("class_names:") && msg.contains("9 names") && msg.contains("10 classes"),
            qPrintable(msg));
        QVERIFY(QString::fromStdString(c.mismatchWith(SupernetSpec::preset("ofa-mbv3-w1.0")))
                    .startsWith("channels:"));
    }

    void legacyDefault()
    {
        const SupernetSpec fm = SupernetSpec::preset("fmnist-mbv3");
        QCOMPARE(InputContract::legacyDefault(fm).toJson(),
                 InputContract::fashionMnist(fm).toJson());
        const SupernetSpec ofa = SupernetSpec::preset("ofa-mbv3-w1.0");
        const InputContract i = InputContract::legacyDefault(ofa);
        QVERIFY(i.resize == InputContract::Resize::ShorterSideCentreCrop);
        QCOMPARE(i.classNames, InputContract::imagenet1kClassNames());
        SupernetSpec five = ofa;
        five.numClasses = 5;
        const InputContract g = InputContract::legacyDefault(five);
        QCOMPARE(g.mismatchWith(five), std::string());
        QCOMPARE(g.classNames.back(), std::string("class 4"));
    }

    void imagenetNamesBuiltIn()
    {
        const std::vector<std::string>& names = InputContract::imagenet1kClassNames();
        QCOMPARE(names.size(), size_t{1000});
        // torchvision 0.14 _IMAGENET_CATEGORIES, checked by index.
        QCOMPARE(names[0], std::string("tench"));
        QCOMPARE(names[1], std::string("goldfish"));
        QCOMPARE(names[207], std::string("golden retriever"));
        QCOMPARE(names[281], std::string("tabby"));
        QCOMPARE(names[999], std::string("toilet tissue"));
        // The embedded copy is the repository's file, byte for byte.
        QFile f(DOFA_SOURCE_DIR "/resources/imagenet-1k-classes.txt");
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(InputContract::readClassNames(f.fileName().toStdString()), names);
    }

    void readClassNamesFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("labels.txt");
        // BOM, CRLF, blanks around names and trailing empty lines are tolerated.
        writeText(path,
                  "\xEF\xBB\xBF"
                  "cat\r\n  dog  \r\nhot dog\n\n\n");
        QCOMPARE(InputContract::readClassNames(path.toStdString()),
                 (std::vector<std::string>{"cat", "dog", "hot dog"}));
        writeText(path, "cat\n\ndog\n");
        try {
            (void)InputContract::readClassNames(path.toStdString());
            QFAIL("empty name accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).startsWith(path + ":2: empty class name"), e.what());
        }
        writeText(path, "\n \n");
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 InputContract::readClassNames(path.toStdString()));
        const QString missing = dir.filePath("missing.txt");
        try {
            (void)InputContract::readClassNames(missing.toStdString());
            QFAIL("missing file accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).startsWith(missing + ": cannot read"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestInputContract)
#include "tst_input_contract.moc"
