// SPDX-License-Identifier: MIT
#include <QJsonDocument>
#include <QSettings>
#include <QtTest>
#include <cerrno>
#include <functional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <opencv2/dnn.hpp>
#include <torch/torch.h>

#include "data/tensor_image_set.h"
#include "export/onnx_writer.h"
#include "run/frame_record.h"
#include "run/telemetry_csv.h"
#include "search/accuracy_evaluator.h"
#include "search/profile.h"
#include "search/profile_csv.h"
#include "supernet/atomic_file.h"
#include "supernet/model_file.h"
#include "supernet/subnet_arch.h"
#include "supernet/supernet.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace dofa;

namespace {

QByteArray readAll(const std::string& path)
{
    QFile f(QString::fromStdString(path));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

qint64 sizeOf(const std::string& path)
{
    return QFileInfo(QString::fromStdString(path)).size();
}

bool exists(const std::string& path)
{
    return QFileInfo::exists(QString::fromStdString(path));
}

/// The message of what `fn` throws; empty when it throws nothing.
QString thrownBy(const std::function<void()>& fn)
{
    try {
        fn();
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

// In a forked writer, the file-size limit turns into SIGKILL (see runWriter). A plain C handler:
// kill(2) is async-signal-safe, and after it nothing of the writer runs, exactly as under
// `kill -9`.
extern "C" void killSelf(int)
{
    ::kill(::getpid(), SIGKILL);
}

/// How a forked writer ended.
struct WriterEnd
{
    bool killed = false;  ///< by SIGKILL
    int exitCode = -1;    ///< when it exited: 0 done, 2 threw
};

/// Runs `write` in a forked child process and waits for it.
///
/// With `killAtByte` >= 0, the child's file-size limit (RLIMIT_FSIZE) is that many bytes: its
/// first write past byte `killAtByte` of any file raises SIGXFSZ, which the child turns into
/// SIGKILL. The kill therefore lands at an exact byte offset of the file being written: as
/// abrupt as `kill -9` from outside, but deterministic, with no timing involved.
WriterEnd runWriter(const std::function<void()>& write, qint64 killAtByte)
{
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (killAtByte >= 0) {
            struct sigaction action
            {};
            action.sa_handler = killSelf;
            ::sigaction(SIGXFSZ, &action, nullptr);
            const rlimit limit{static_cast<rlim_t>(killAtByte), static_cast<rlim_t>(killAtByte)};
            ::setrlimit(RLIMIT_FSIZE, &limit);
        }
        int code = 0;
        try {
            write();
        } catch (...) {
            code = 2;
        }
        // _exit: the child must not run the parent's Qt Test teardown or static destructors.
        ::_exit(code);
    }
    WriterEnd end;
    if (pid < 0) {
        return end;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    end.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    end.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return end;
}

/// One writer of a user file, as the product calls it. `writeOld`/`writeNew` write two
/// different contents to a path; `checkOld`/`checkNew` load a path with the product's own
/// reader and say what is wrong (empty: it loads and holds that content).
struct Writer
{
    std::function<void(const std::string&)> writeOld, writeNew;
    std::function<QString(const std::string&)> checkOld, checkNew;
    /// The file is written through AtomicFile (everything but QSettings, which commits through
    /// Qt's own QSaveFile): its `.part` can be inspected.
    bool atomicFile = true;
};

// Kill offsets per writer: a few seeded random ones, and the last byte. Offsets start past
// 4 KiB because QSettings first writes a small lock file, and a kill there would test nothing.
constexpr int kRandomKills = 4;
constexpr qint64 kFirstKillByte = 4096;

std::vector<qint64> killOffsets(qint64 newSize, unsigned seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<qint64> pick(kFirstKillByte, newSize - 2);
    std::set<qint64> offsets{newSize - 1};
    while (static_cast<int>(offsets.size()) < kRandomKills + 1) {
        offsets.insert(pick(rng));
    }
    return {offsets.begin(), offsets.end()};
}

ModelFile shippedModel()
{
    return ModelFile::load(DOFA_SOURCE_DIR "/resources/fmnist-mbv3.dofa");
}

Profile shippedProfile(const SupernetSpec& spec)
{
    return Profile::load(DOFA_SOURCE_DIR "/profiles/fmnist-mbv3.cpu-1t.json", spec);
}

FrameRecord telemetryRow(std::int64_t frame)
{
    FrameRecord r;
    r.frame = frame;
    r.tSeconds = static_cast<double>(frame) / 30.0;
    r.level = static_cast<int>(frame % 4);
    r.latencyMs = 1.5;
    r.targetLatencyMs = 2.0;
    r.label = static_cast<int>(frame % 10);
    r.predicted = static_cast<int>(frame % 7);
    r.topClass = {1, 2, 3};
    r.topScore = {0.5f, 0.3f, 0.2f};
    r.nextLevel = r.level;
    r.decisions.push_back(Decision{});
    r.decisions.back().reason = "hold, \"within target\"";
    return r;
}

/// A CSV (no quoted newlines in these files) read back: its lines without the last empty one.
QList<QByteArray> csvLines(const std::string& path)
{
    QList<QByteArray> lines = readAll(path).split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty()) {
        lines.removeLast();
    }
    return lines;
}

}  // namespace

class TestAtomicFile : public QObject
{
    Q_OBJECT

private:
    std::vector<Writer> m_writers;
    QStringList m_writerNames;

    void addWriter(const QString& name, Writer w)
    {
        m_writerNames << name;
        m_writers.push_back(std::move(w));
    }

    void makeWriters();

private Q_SLOTS:
    void initTestCase()
    {
        // One intra-op thread: the crash tests fork, and a child forked after an OpenMP team
        // has started can hang in it.
        torch::set_num_threads(1);
        makeWriters();
    }

    void savesAndLeavesNothingBeside()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("a.txt").toStdString();
        AtomicFile::save(path, "first");
        AtomicFile::save(path, "second, longer");
        QCOMPARE(readAll(path), QByteArray("second, longer"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"a.txt"});
    }

    void streamsLargeAndSmallWrites()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("s.bin").toStdString();
        std::string expected;
        {
            AtomicFile f(path);
            // Small pieces fill the buffer, a large one bypasses it: order must hold.
            for (int i = 0; i < 5000; ++i) {
                const std::string piece = std::to_string(i) + ",";
                f.write(piece);
                expected += piece;
            }
            const std::string big(3 << 20, 'x');
            f.write(big);
            expected += big;
            f.write("end");
            expected += "end";
            QVERIFY(exists(AtomicFile::partPath(path)));
            QVERIFY(!exists(path));
            f.commit();
        }
        QCOMPARE(readAll(path), QByteArray::fromStdString(expected));
        QVERIFY(!exists(AtomicFile::partPath(path)));
    }

    void abandonedWriteKeepsOldFile()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("a.txt").toStdString();
        AtomicFile::save(path, "old");
        {
            AtomicFile f(path);
            f.write("new");
        }  // no commit: an error path in a caller
        QCOMPARE(readAll(path), QByteArray("old"));
        QVERIFY(!exists(AtomicFile::partPath(path)));
    }

    void keepsModeOfReplacedFile()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("settings.ini").toStdString();
        AtomicFile::save(path, "old");
        QCOMPARE(::chmod(path.c_str(), 0640), 0);
        AtomicFile::save(path, "new");
        struct stat st
        {};
        QCOMPARE(::stat(path.c_str(), &st), 0);
        QCOMPARE(st.st_mode & 07777, static_cast<mode_t>(0640));
    }

    void symbolicLinkStaysALink()
    {
        QTemporaryDir dir;
        const std::string real = dir.filePath("model-v2.dofa").toStdString();
        const std::string link = dir.filePath("model.dofa").toStdString();
        AtomicFile::save(real, "old");
        QCOMPARE(::symlink("model-v2.dofa", link.c_str()), 0);
        AtomicFile::save(link, "new");
        QVERIFY(QFileInfo(QString::fromStdString(link)).isSymLink());
        QCOMPARE(readAll(real), QByteArray("new"));
    }

    void leftoverPartIsReused()
    {
        // What a killed writer leaves: a longer `.part` than the next content.
        QTemporaryDir dir;
        const std::string path = dir.filePath("p.json").toStdString();
        AtomicFile::save(AtomicFile::partPath(path), std::string(100000, 'g'));
        AtomicFile::save(path, "{}");
        QCOMPARE(readAll(path), QByteArray("{}"));
        QVERIFY(!exists(AtomicFile::partPath(path)));
    }

    void secondWriterIsRefused()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("t.csv").toStdString();
        AtomicFile::save(path, "old");
        AtomicFile first(path);
        first.write("first");
        const QString error = thrownBy([&] { AtomicFile::save(path, "second"); });
        QVERIFY2(error.contains(QString::fromStdString(path)), qPrintable(error));
        QVERIFY2(error.contains("being written by another process"), qPrintable(error));
        first.commit();
        QCOMPARE(readAll(path), QByteArray("first"));
    }

    void errorsNameFileAndProblem_data()
    {
        QTest::addColumn<QString>("name");  // relative to a fresh directory
        QTest::addColumn<QString>("problem");
        QTest::addColumn<bool>("makeDirectory");  // a directory where the file should be
        QTest::addColumn<bool>("makeFileAsParent");
        QTest::addRow("missing directory") << "no/such/dir/m.dofa"
                                           << "No such file or directory" << false << false;
        QTest::addRow("parent is a file") << "file/m.dofa"
                                          << "Not a directory" << false << true;
        QTest::addRow("directory in the way") << "taken.json"
                                              << "Is a directory" << true << false;
        QTest::addRow("empty name") << ""
                                    << "no file name" << false << false;
    }

    void errorsNameFileAndProblem()
    {
        QFETCH(QString, name);
        QFETCH(QString, problem);
        QFETCH(bool, makeDirectory);
        QFETCH(bool, makeFileAsParent);
        QTemporaryDir dir;
        if (makeDirectory) {
            QVERIFY(QDir(dir.path()).mkdir(name));
        }
        if (makeFileAsParent) {
            AtomicFile::save(dir.filePath("file").toStdString(), "a file, not a directory");
        }
        const std::string path = name.isEmpty() ? std::string() : dir.filePath(name).toStdString();
        const QString error = thrownBy([&] { AtomicFile::save(path, "x", "profile"); });
        QVERIFY2(
            error.contains(QString::fromStdString(path) + ": cannot write profile") || path.empty(),
            qPrintable(error));
        QVERIFY2(error.contains(problem), qPrintable(error));
        // Nothing left behind by the failed write (the `file` made above aside).
        const QStringList left =
            QDir(dir.path()).entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot);
        QVERIFY2(left.size() <= 1, qPrintable(left.join(' ')));
    }

    void unwritableDirectoryIsAnError()
    {
        QTemporaryDir dir;
        const QString locked = dir.filePath("locked");
        QVERIFY(QDir(dir.path()).mkdir("locked"));
        const std::string path = (locked + "/m.dofa").toStdString();
        QCOMPARE(::chmod(qPrintable(locked), 0555), 0);
        // Root ignores permission bits; /proc refuses new files to everyone.
        const std::string unwritable = ::geteuid() == 0 ? "/proc/dofa-test.dofa" : path;
        ModelFile m;
        m.spec = SupernetSpec::preset("fmnist-mbv3");
        const QString error = thrownBy([&] { m.save(unwritable); });
        QVERIFY2(error.startsWith(QString::fromStdString(unwritable) + ": cannot write model ("),
                 qPrintable(error));
        QVERIFY2(error.contains(QString::fromStdString(AtomicFile::partPath(unwritable))),
                 qPrintable(error));
        ::chmod(qPrintable(locked), 0755);
    }

    void fullDiskIsAnErrorNotACrash()
    {
        // The file-size limit with SIGXFSZ ignored makes write(2) fail with EFBIG, as a full
        // disk fails with ENOSPC: the writer must report it and keep the old file.
        QTemporaryDir dir;
        const std::string path = dir.filePath("big.csv").toStdString();
        AtomicFile::save(path, "old");
        int pipeFds[2];
        QCOMPARE(::pipe(pipeFds), 0);
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::close(pipeFds[0]);
            ::signal(SIGXFSZ, SIG_IGN);
            const rlimit limit{100000, 100000};
            ::setrlimit(RLIMIT_FSIZE, &limit);
            const std::string message =
                thrownBy([&] { AtomicFile::save(path, std::string(1 << 20, 'n')); }).toStdString();
            [[maybe_unused]] const ssize_t n = ::write(pipeFds[1], message.data(), message.size());
            ::_exit(0);
        }
        ::close(pipeFds[1]);
        QByteArray message;
        char buf[512];
        for (ssize_t n; (n = ::read(pipeFds[0], buf, sizeof buf)) > 0;) {
            message.append(buf, n);
        }
        ::close(pipeFds[0]);
        int status = 0;
        ::waitpid(pid, &status, 0);
        QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        QVERIFY2(message.startsWith(QByteArray::fromStdString(path) + ": cannot write file ("),
                 message.constData());
        QVERIFY2(message.contains("File too large"), message.constData());
        QCOMPARE(readAll(path), QByteArray("old"));
        QVERIFY(!exists(AtomicFile::partPath(path)));
    }

    void harnessCatchesANonAtomicWriter()
    {
        // The crash test below must be able to fail: a writer that truncates the file in place
        // (what QFile::WriteOnly does) is caught by the same kill.
        QTemporaryDir dir;
        const std::string path = dir.filePath("naive.txt").toStdString();
        AtomicFile::save(path, "old content");
        const WriterEnd end = runWriter(
            [&] {
                QFile f(QString::fromStdString(path));
                if (!f.open(QIODevice::WriteOnly) || f.write(QByteArray(1 << 20, 'n')) < 0) {
                    throw std::runtime_error("cannot write");
                }
            },
            kFirstKillByte);
        QVERIFY(end.killed);
        QVERIFY(readAll(path) != QByteArray("old content"));
        QCOMPARE(sizeOf(path), kFirstKillByte);
    }

    void killedWriterLeavesOldFile_data()
    {
        QTest::addColumn<int>("writer");
        for (int i = 0; i < m_writerNames.size(); ++i) {
            QTest::newRow(qPrintable(m_writerNames[i])) << i;
        }
    }

    void killedWriterLeavesOldFile()
    {
        QFETCH(int, writer);
        const Writer& w = m_writers[static_cast<size_t>(writer)];
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkdir("reference"));
        const std::string target = dir.filePath("file").toStdString();
        const std::string reference = dir.filePath("reference/file").toStdString();

        w.writeOld(target);
        const QByteArray oldBytes = readAll(target);
        QString problem = w.checkOld(target);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        // The new content, written without interruption elsewhere: what a finished write gives.
        w.writeNew(reference);
        const QByteArray newBytes = readAll(reference);
        problem = w.checkNew(reference);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(newBytes != oldBytes);
        QVERIFY2(newBytes.size() > 256 * 1024, "the new file is too small to be killed mid-write");

        for (const qint64 killAt :
             killOffsets(newBytes.size(), 16u + static_cast<unsigned>(writer))) {
            const WriterEnd end = runWriter([&] { w.writeNew(target); }, killAt);
            // Killed, so it had begun writing and not finished: every kill offset is inside
            // the new file.
            QVERIFY2(end.killed, qPrintable(QStringLiteral("not killed at byte %1 (exit %2)")
                                                .arg(killAt)
                                                .arg(end.exitCode)));
            QVERIFY2(
                readAll(target) == oldBytes,
                qPrintable(QStringLiteral("old file changed by a kill at byte %1").arg(killAt)));
            problem = w.checkOld(target);
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
            if (w.atomicFile) {
                // What it had written lies in the `.part`, to the byte.
                QCOMPARE(sizeOf(AtomicFile::partPath(target)), killAt);
            }
        }

        const WriterEnd end = runWriter([&] { w.writeNew(target); }, -1);
        QVERIFY(!end.killed);
        QCOMPARE(end.exitCode, 0);
        QVERIFY(readAll(target) == newBytes);
        problem = w.checkNew(target);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        if (w.atomicFile) {
            QVERIFY(!exists(AtomicFile::partPath(target)));
        }
    }
};

void TestAtomicFile::makeWriters()
{
    const ModelFile shipped = shippedModel();
    const SupernetSpec spec = shipped.spec;

    // Model file: the shipped model, and the same with a 4 MB extra tensor.
    {
        auto model = [shipped](const char* note, bool big) {
            ModelFile m = shipped;
            m.metadata.insert("note", note);
            if (big) {
                m.tensors.emplace_back("extra/big", torch::arange(1 << 20, torch::kFloat32));
            }
            return m;
        };
        auto check = [](const char* note, bool big) {
            return [note, big](const std::string& path) -> QString {
                try {
                    const ModelFile m = ModelFile::load(path);
                    if (m.metadata.value("note").toString() != note) {
                        return "model note is " + m.metadata.value("note").toString();
                    }
                    if (m.tensorsWithPrefix("extra/").count("big") != (big ? 1u : 0u)) {
                        return "extra tensor wrong";
                    }
                } catch (const std::exception& e) {
                    return e.what();
                }
                return {};
            };
        };
        const ModelFile oldModel = model("old", false), newModel = model("new", true);
        addWriter("model file", {[oldModel](const std::string& p) { ModelFile(oldModel).save(p); },
                                 [newModel](const std::string& p) { ModelFile(newModel).save(p); },
                                 check("old", false), check("new", true)});
    }

    // Profile JSON: the shipped profile, and the same with 1 MB of provenance.
    {
        const Profile base = shippedProfile(spec);
        auto profile = [base](const char* note, int padding) {
            Profile p = base;
            p.provenance.insert("note", note);
            p.provenance.insert("padding", QString(padding, QChar('p')));
            return p;
        };
        auto check = [spec](const char* note) {
            return [spec, note](const std::string& path) -> QString {
                try {
                    const Profile p = Profile::load(path, spec);
                    if (p.provenance.value("note").toString() != note) {
                        return "profile note is " + p.provenance.value("note").toString();
                    }
                } catch (const std::exception& e) {
                    return e.what();
                }
                return {};
            };
        };
        const Profile oldProfile = profile("old", 10), newProfile = profile("new", 1 << 20);
        addWriter("profile", {[oldProfile](const std::string& p) { oldProfile.save(p); },
                              [newProfile](const std::string& p) { newProfile.save(p); },
                              check("old"), check("new")});
    }

    // Telemetry CSV: 10 rows, then 20000 (about 3 MB).
    {
        auto write = [](int rows) {
            return [rows](const std::string& path) {
                TelemetryCsvWriter w(path);
                for (int i = 0; i < rows; ++i) {
                    w.write(telemetryRow(i));
                }
                w.close();
            };
        };
        auto check = [](int rows) {
            return [rows](const std::string& path) -> QString {
                const QList<QByteArray> lines = csvLines(path);
                if (lines.isEmpty() || lines[0] != TelemetryCsvWriter::header()) {
                    return "no telemetry header";
                }
                if (lines.size() != rows + 1) {
                    return QStringLiteral("%1 rows, not %2").arg(lines.size() - 1).arg(rows);
                }
                const QByteArray last = QByteArray::number(rows - 1) + ",";
                return lines.last().startsWith(last) ? QString() : "last row is not complete";
            };
        };
        addWriter("telemetry CSV", {write(10), write(20000), check(10), check(20000)});
    }

    // Accuracy cache: written as `dofa search --accuracy-cache` writes it (the two evaluators'
    // cacheToJson through AtomicFile), read back by AccuracyEvaluator::loadCache.
    {
        const Supernet net(spec);
        auto images = std::make_shared<TensorImageSet>(torch::zeros({2, 28, 28}, torch::kUInt8),
                                                       torch::zeros({2}, torch::kInt64), "blank");
        const std::string checksum = shipped.checksum;
        auto evaluator = [net, images]() { return AccuracyEvaluator(net, images, images); };
        auto write = [evaluator, checksum](int entries) {
            return [evaluator, checksum, entries](const std::string& path) {
                AccuracyEvaluator search = evaluator(), test = evaluator();
                QJsonObject top1;
                for (int i = 0; i < entries; ++i) {
                    top1.insert(QStringLiteral("arch-%1").arg(i), 50.0 + i % 40);
                }
                const QJsonObject measured{{"model_checksum", QString::fromStdString(checksum)},
                                           {"protocol", search.protocol()},
                                           {"top1", top1}};
                search.loadCache(measured, checksum);
                test.loadCache(measured, checksum);
                const QJsonObject cache{{"search", search.cacheToJson(checksum)},
                                        {"test", test.cacheToJson(checksum)}};
                AtomicFile::save(path, QJsonDocument(cache).toJson().toStdString(),
                                 "accuracy cache");
            };
        };
        auto check = [evaluator, checksum](int entries) {
            return [evaluator, checksum, entries](const std::string& path) -> QString {
                const QJsonObject cache = QJsonDocument::fromJson(readAll(path)).object();
                AccuracyEvaluator search = evaluator(), test = evaluator();
                const int a = search.loadCache(cache.value("search").toObject(), checksum);
                const int b = test.loadCache(cache.value("test").toObject(), checksum);
                if (a != entries || b != entries) {
                    return QStringLiteral("%1 + %2 entries loaded, not %3 each")
                        .arg(a)
                        .arg(b)
                        .arg(entries);
                }
                return {};
            };
        };
        addWriter("accuracy cache", {write(10), write(30000), check(10), check(30000)});
    }

    // ONNX export: the smallest and the largest sub-network, loaded by OpenCV's importer.
    {
        Supernet net = shipped.buildSupernet("shipped");
        const StaticSubnet small = net->extract(SubnetArch::min(spec));
        const StaticSubnet large = net->extract(SubnetArch::max(spec));
        auto write = [](const StaticSubnet& sub) {
            return [sub](const std::string& path) { OnnxWriter().write(sub, path); };
        };
        auto check = [](const std::string& path) -> QString {
            try {
                if (cv::dnn::readNetFromONNX(path).empty()) {
                    return "OpenCV loads an empty network";
                }
            } catch (const cv::Exception& e) {
                return e.what();
            }
            return {};
        };
        addWriter("ONNX export", {write(small), write(large), check, check});
    }

    // CSV export of a profile: the levels, then the candidates repeated to about 1 MB.
    {
        const Profile base = shippedProfile(spec);
        Profile many = base;
        while (candidatesCsv(many).size() < (1u << 20)) {
            many.candidates.insert(many.candidates.end(), base.candidates.begin(),
                                   base.candidates.end());
        }
        const std::string levels = levelsCsv(base), candidates = candidatesCsv(many);
        auto write = [](const std::string& text) {
            return [text](const std::string& path) { AtomicFile::save(path, text, "profile CSV"); };
        };
        auto check = [](const std::string& text) {
            return [text](const std::string& path) -> QString {
                const QList<QByteArray> lines = csvLines(path);
                const QList<QByteArray> expected = QByteArray::fromStdString(text).split('\n');
                if (lines.isEmpty() || lines[0] != expected[0]) {
                    return "wrong CSV header";
                }
                return lines.size() == expected.size() - 1 ? QString() : "wrong row count";
            };
        };
        addWriter("profile CSV export",
                  {write(levels), write(candidates), check(levels), check(candidates)});
    }

    // Settings: QSettings in INI form, as the dashboard keeps them. QSettings commits through
    // Qt's QSaveFile (a temporary file renamed over the old one), not AtomicFile.
    {
        auto write = [](const char* generation, int keys) {
            return [generation, keys](const std::string& path) {
                QSettings s(QString::fromStdString(path), QSettings::IniFormat);
                s.clear();
                s.setValue("generation", generation);
                for (int i = 0; i < keys; ++i) {
                    s.setValue(QStringLiteral("recent/%1").arg(i), QString(1000, QChar('s')));
                }
                s.sync();
                if (s.status() != QSettings::NoError) {
                    throw std::runtime_error("settings not written");
                }
            };
        };
        auto check = [](const char* generation, int keys) {
            return [generation, keys](const std::string& path) -> QString {
                QSettings s(QString::fromStdString(path), QSettings::IniFormat);
                if (s.status() != QSettings::NoError) {
                    return "settings do not load";
                }
                if (s.value("generation").toString() != generation) {
                    return "settings generation is " + s.value("generation").toString();
                }
                s.beginGroup("recent");
                return s.childKeys().size() == keys ? QString() : "wrong number of keys";
            };
        };
        Writer w{write("old", 3), write("new", 1000), check("old", 3), check("new", 1000)};
        w.atomicFile = false;
        addWriter("settings", w);
    }
}

QTEST_GUILESS_MAIN(TestAtomicFile)
#include "tst_atomic_file.moc"
