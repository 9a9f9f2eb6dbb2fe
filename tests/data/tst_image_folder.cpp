// SPDX-License-Identifier: MIT
// ImageFolder: class indices and sample order as torchvision's ImageFolder gives them for the
// same tree (python3 lists it), the CSV layout, known class names, seeded subsets, and errors
// that name the path and the problem; a folder set's identity follows its data, not its path.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <set>

#include "data/folder_image_set.h"
#include "data/image_folder.h"
#include "image_fixtures.h"

using namespace dofa;

namespace {

/// `path` relative to `root`, as the manifest writes it.
QString relative(const std::string& root, const std::string& path)
{
    return QDir(QString::fromStdString(root)).relativeFilePath(QString::fromStdString(path));
}

bool anyContains(const std::vector<std::string>& lines, const QString& needle)
{
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
        return QString::fromStdString(l).contains(needle);
    });
}

QString joined(const std::vector<std::string>& lines)
{
    QStringList out;
    for (const std::string& l : lines) {
        out << QString::fromStdString(l);
    }
    return out.join('\n');
}

/// Runs `f`, which must throw std::runtime_error mentioning every needle.
template <typename F>
void expectError(F f, const QStringList& needles)
{
    try {
        f();
        QFAIL(qPrintable("accepted; expected an error with " + needles.join(", ")));
    } catch (const std::runtime_error& e) {
        for (const QString& needle : needles) {
            QVERIFY2(QString(e.what()).contains(needle),
                     qPrintable(QString("'%1' lacks '%2'").arg(e.what(), needle)));
        }
    }
}

void writeText(const QString& path, const QByteArray& text)
{
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path));
    f.write(text);
}

}  // namespace

class TestImageFolder : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QJsonObject m_manifest;
    std::string m_tree, m_flat;
    /// A model's class list in its own (not sorted) order, with classes the tree lacks.
    const std::vector<std::string> m_known = {"n09999999", "zebra",   "n01484850", "n01443537",
                                              "n01440764", "B_upper", "n00000001"};

    std::string path(const QString& rel) const { return m_dir.filePath(rel).toStdString(); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString error = image_fixtures::generate(m_dir.path());
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_manifest = image_fixtures::manifest(m_dir.path());
        m_tree = path("tree");
        m_flat = path("flat");
    }

    void classIndicesAndOrderAsTorchvision()
    {
        const ImageFolder folder = ImageFolder::fromClassFolders(m_tree);
        const QJsonObject tree = m_manifest["tree"].toObject();

        std::vector<std::string> classes;
        for (const QJsonValue& c : tree["classes"].toArray()) {
            classes.push_back(c.toString().toStdString());
        }
        QCOMPARE(folder.classes(), classes);
        const QJsonObject classToIdx = tree["class_to_idx"].toObject();
        for (size_t i = 0; i < folder.classes().size(); ++i) {
            QCOMPARE(classToIdx[QString::fromStdString(folder.classes()[i])].toInt(),
                     static_cast<int>(i));
        }

        const QJsonArray samples = tree["samples"].toArray();
        QCOMPARE(folder.size(), static_cast<size_t>(samples.size()));
        for (int i = 0; i < samples.size(); ++i) {
            const QJsonArray s = samples[i].toArray();
            QCOMPARE(relative(folder.root(), folder.samples()[i].path), s[0].toString());
            QCOMPARE(folder.samples()[i].label, static_cast<int64_t>(s[1].toInt()));
        }

        // torchvision refuses the empty class folder; dofa warns, and its index stays taken.
        QVERIFY(!tree["torchvision_error"].toString().isEmpty());
        QVERIFY2(anyContains(folder.warnings(), QString::fromStdString(m_tree) + "/n01484850"),
                 qPrintable(joined(folder.warnings())));
        QVERIFY(anyContains(folder.warnings(), "empty class folder"));
        QVERIFY(anyContains(folder.warnings(), "outside the class folders"));  // loose.jpg
        QCOMPARE(folder.classes()[3], std::string("n01484850"));

        // open() picks the class-folder layout where there is no labels.csv; a trailing slash
        // changes nothing.
        const ImageFolder opened = ImageFolder::open(m_tree + "/");
        QCOMPARE(opened.size(), folder.size());
        QCOMPARE(opened.samples().back().path, folder.samples().back().path);
    }

    void knownClassNames()
    {
        const ImageFolder folder = ImageFolder::fromClassFolders(m_tree, m_known);
        QCOMPARE(folder.classes(), m_known);
        const ImageFolder plain = ImageFolder::fromClassFolders(m_tree);
        QCOMPARE(folder.size(), plain.size());
        for (size_t i = 0; i < folder.size(); ++i) {
            QCOMPARE(folder.samples()[i].path, plain.samples()[i].path);
            const std::string& name = plain.classes()[plain.samples()[i].label];
            QCOMPARE(m_known[folder.samples()[i].label], name);
        }

        // A class folder the model does not know.
        std::vector<std::string> lacking = m_known;
        lacking.erase(std::find(lacking.begin(), lacking.end(), "B_upper"));
        expectError([&] { ImageFolder::fromClassFolders(m_tree, lacking); },
                    {QString::fromStdString(m_tree) + "/B_upper", "'B_upper'",
                     "not one of the model's 6 classes"});
    }

    void csvLayout()
    {
        const ImageFolder folder = ImageFolder::open(m_flat);
        QCOMPARE(folder.classes(), (std::vector<std::string>{"n01440764", "n01443537", "zebra"}));
        QCOMPARE(folder.size(), size_t{3});
        QCOMPARE(folder.samples()[0].path, m_flat + "/a.jpg");
        QCOMPARE(folder.samples()[0].label, 1);
        QCOMPARE(folder.samples()[1].path, m_flat + "/b w.png");
        QCOMPARE(folder.samples()[1].label, 0);
        QCOMPARE(folder.samples()[2].path, m_flat + "/c,d.jpg");
        QCOMPARE(folder.samples()[2].label, 2);
        QVERIFY2(anyContains(folder.warnings(), "1 image files are not listed"),
                 qPrintable(joined(folder.warnings())));

        const ImageFolder known = ImageFolder::fromCsv(m_flat, {}, m_known);
        QCOMPARE(known.classes(), m_known);
        QCOMPARE(known.samples()[0].label, 3);
        QCOMPARE(known.samples()[1].label, 4);
        QCOMPARE(known.samples()[2].label, 1);

        // Integer labels, from a CSV elsewhere; with known classes, names and indices mix.
        const QString ints = m_dir.filePath("ints.csv");
        writeText(ints, "a.jpg,2\n\"b w.png\",0\r\nc,d.jpg,5\n");
        const ImageFolder numbered = ImageFolder::fromCsv(m_flat, ints.toStdString());
        QCOMPARE(numbered.classes().size(), size_t{6});
        QCOMPARE(numbered.classes()[5], std::string("5"));
        QCOMPARE(numbered.samples()[0].label, 2);
        QCOMPARE(numbered.samples()[1].label, 0);
        writeText(ints, "a.jpg,2\nb w.png,zebra\n");
        const ImageFolder mixed = ImageFolder::fromCsv(m_flat, ints.toStdString(), m_known);
        QCOMPARE(mixed.samples()[0].label, 2);
        QCOMPARE(mixed.samples()[1].label, 1);
    }

    void csvErrorsNameFileAndLine()
    {
        const QString csv = m_dir.filePath("bad.csv");
        const std::string c = csv.toStdString();
        auto load = [&](const std::vector<std::string>& known = {}) {
            return ImageFolder::fromCsv(m_flat, c, known);
        };
        writeText(csv, "file,label\na.jpg,n01443537\nb w.png n01440764\n");
        expectError([&] { load(); }, {csv + ":3:", "expected 'file,label'", "b w.png n01440764"});
        writeText(csv, "a.jpg,zebra\n\nnope.jpg,zebra\n");
        expectError([&] { load(); }, {csv + ":3:", "'nope.jpg' does not exist"});
        writeText(csv, "a.jpg,zebra\nb w.png,\n");
        expectError([&] { load(); }, {csv + ":2:", "empty label"});
        writeText(csv, "a.jpg,1\nb w.png,zebra\n");
        expectError([&] { load(); }, {csv + ":2:", "all one or the other"});
        writeText(csv, "a.jpg,-1\n");
        expectError([&] { load(); }, {csv + ":1:", "negative"});
        writeText(csv, "a.jpg,7\n");
        expectError([&] { load(m_known); }, {csv + ":1:", "out of range (7 classes)"});
        // Found by fuzzing (fuzz/regressions/image_folder_csv): without class names, a label of
        // 10^14 made that many classes (a hang); a NUL byte cut the name down to the folder.
        writeText(csv, "a.jpg,111111111111111\n");
        expectError([&] { load(); }, {csv + ":1:", "out of range (at most 100000 classes)"});
        writeText(csv, QByteArray("a.jpg\0x,1\n", 10));
        expectError([&] { load(); }, {csv + ":1:", "NUL byte"});
        writeText(csv, "a.jpg,tiger\n");
        expectError([&] { load(m_known); }, {csv + ":1:", "'tiger' is not one of the model's"});
        writeText(csv, "# nothing\nfile,label\n");
        expectError([&] { load(); }, {csv, "no images listed"});
        expectError([&] { ImageFolder::fromCsv(m_flat, path("missing.csv")); },
                    {m_dir.filePath("missing.csv"), "cannot open"});
    }

    void folderErrorsNamePath()
    {
        expectError([&] { ImageFolder::open(path("no_such_dir")); },
                    {m_dir.filePath("no_such_dir"), "no such folder"});
        expectError([&] { ImageFolder::open(path("flat/a.jpg")); }, {"a.jpg", "not a folder"});
        // Only a class folder holding a text file.
        expectError([&] { ImageFolder::open(path("empty")); },
                    {m_dir.filePath("empty"), "no images in any of its 1 class folders"});
        QTemporaryDir bare;
        expectError([&] { ImageFolder::open(bare.path().toStdString()); },
                    {bare.path(), "no class folders and no labels.csv"});
        QVERIFY(QFile::copy(m_dir.filePath("flat/a.jpg"), bare.filePath("a.jpg")));
        expectError([&] { ImageFolder::open(bare.path().toStdString()); },
                    {bare.path(), "1 image files lie directly in the folder", "labels.csv"});
    }

    void seededSubset()
    {
        const ImageFolder folder = ImageFolder::fromClassFolders(m_tree);
        auto paths = [](const ImageFolder& f) {
            std::vector<std::string> out;
            for (const ImageSample& s : f.samples()) {
                out.push_back(s.path);
            }
            return out;
        };
        const ImageFolder a = folder.subset(5, 42);
        QCOMPARE(a.size(), size_t{5});
        QCOMPARE(paths(folder.subset(5, 42)), paths(a));
        QVERIFY(paths(folder.subset(5, 43)) != paths(a));
        QCOMPARE(a.classes(), folder.classes());
        for (const ImageSample& s : a.samples()) {  // labels travel with their files
            const auto it = std::find_if(folder.samples().begin(), folder.samples().end(),
                                         [&](const ImageSample& o) { return o.path == s.path; });
            QVERIFY(it != folder.samples().end());
            QCOMPARE(s.label, it->label);
        }
        const std::vector<std::string> pa = paths(a);
        QCOMPARE(std::set<std::string>(pa.begin(), pa.end()).size(), size_t{5});  // no repeats

        // A limit above the size: every sample once, in a seeded order.
        const ImageFolder all = folder.subset(1000, 7);
        std::vector<std::string> shuffled = paths(all), original = paths(folder);
        QVERIFY(shuffled != original);
        std::sort(shuffled.begin(), shuffled.end());
        std::sort(original.begin(), original.end());
        QCOMPARE(shuffled, original);
        QCOMPARE(folder.subset(0, 7).size(), size_t{0});
    }

    void setIdentityFollowsTheDataNotThePath()
    {
        // The same tree copied elsewhere (a server's ImageNet val and a board's): same identity,
        // so accuracy caches carry over; another path in *_folder only.
        const QString copy = QString::fromStdString(path("tree-elsewhere"));
        QVERIFY(QDir().mkpath(copy));
        const QDir tree(QString::fromStdString(m_tree));
        QDirIterator it(tree.path(), QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString from = it.next();
            const QString to = copy + "/" + tree.relativeFilePath(from);
            QVERIFY(it.fileInfo().isDir() ? QDir().mkpath(to) : QFile::copy(from, to));
        }
        auto describe = [](const ImageFolder& folder, FolderImageSet::Use use) {
            FolderImageSet::Options o;
            o.root = folder.root();
            return FolderImageSet(folder.samples(), folder.root(), use, o).describe();
        };
        const ImageFolder a = ImageFolder::fromClassFolders(m_tree);
        const ImageFolder b = ImageFolder::fromClassFolders(copy.toStdString());
        QCOMPARE(b.size(), a.size());
        const QJsonObject da = describe(a, FolderImageSet::Use::Evaluation);
        const QJsonObject db = describe(b, FolderImageSet::Use::Evaluation);
        QVERIFY(da.value("evaluation_folder") != db.value("evaluation_folder"));
        QCOMPARE(db.value("evaluation_set"), da.value("evaluation_set"));
        QVERIFY2(da.value("evaluation_set")
                     .toString()
                     .startsWith(QString("%1 images, sha256 ").arg(a.size())),
                 qPrintable(da.value("evaluation_set").toString()));
        QCOMPARE(describe(b, FolderImageSet::Use::Calibration).value("calibration_set"),
                 da.value("evaluation_set"));

        // Other data under the same names is another set: a file that grew, a label that moved.
        std::vector<ImageSample> relabelled = b.samples();
        relabelled.front().label += 1;
        FolderImageSet::Options o;
        o.root = b.root();
        QVERIFY(FolderImageSet(relabelled, "x", FolderImageSet::Use::Evaluation, o)
                    .describe()
                    .value("evaluation_set") != da.value("evaluation_set"));
        QFile grown(QString::fromStdString(b.samples().back().path));
        QVERIFY(grown.open(QIODevice::Append));
        grown.write("x");
        grown.close();
        QVERIFY(describe(b, FolderImageSet::Use::Evaluation).value("evaluation_set") !=
                da.value("evaluation_set"));
    }

    void imageExtensions()
    {
        for (const char* name : {"a.JPEG", "b.jpg", "c.Jpeg", "d.PNG", "e.webp", "f.tiff"}) {
            QVERIFY2(ImageFolder::hasImageExtension(name), name);
        }
        for (const char* name : {"a.txt", "jpg", "b.jpg.bak", "c.gif", ""}) {
            QVERIFY2(!ImageFolder::hasImageExtension(name), name);
        }
    }
};

QTEST_GUILESS_MAIN(TestImageFolder)
#include "tst_image_folder.moc"
