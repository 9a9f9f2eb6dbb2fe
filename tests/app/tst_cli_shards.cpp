// SPDX-License-Identifier: MIT
// Sharded accuracy work as separate `dofa` processes, the way a Slurm array or a Kubernetes
// indexed Job runs them (deploy/): `dofa search --accuracy-only --shard I/N` per part,
// `dofa accuracy-cache merge`, and the device search reusing the merged cache. The merged cache
// must equal the cache of one unsharded run, entry for entry.
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include "cli/cli.h"
#include "cli_process.h"
#include "tiny_setup.h"

using namespace dofa;
using namespace dofa::test;

namespace {

QJsonObject readJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QJsonDocument::fromJson(f.readAll()).object();
}

void writeJson(const QString& path, const QJsonObject& json)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(json).toJson());
}

/// The "search" part's top-1 entries.
QJsonObject searchTop1(const QJsonObject& cache)
{
    return cache.value("search").toObject().value("top1").toObject();
}

}  // namespace

class TestCliShards : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        ModelFile m;
        m_model = writeTinySetup(m_dir, m);
    }

    void badShardOptions()
    {
        const QString cache = m_dir.filePath("unused.json");
        CliRun r = search({"--accuracy-only", "--shard", "3/3", "--accuracy-cache", cache});
        QCOMPARE(r.code, int{kExitUsage});
        QVERIFY2(r.err.contains("--shard '3/3'"), qPrintable(r.err));
        r = search({"--accuracy-only", "--shard", "x", "--accuracy-cache", cache});
        QCOMPARE(r.code, int{kExitUsage});
        r = search({"--shard", "0/2", "--accuracy-cache", cache});
        QCOMPARE(r.code, int{kExitUsage});
        QVERIFY2(r.err.contains("add --accuracy-only"), qPrintable(r.err));
        r = search({"--accuracy-only"});
        QCOMPARE(r.code, int{kExitUsage});
        QVERIFY2(r.err.contains("--accuracy-cache"), qPrintable(r.err));
        QVERIFY(!QFile::exists(cache));
    }

    void shardsMergeToTheUnshardedCache()
    {
        const QString whole = m_dir.filePath("whole.json");
        CliRun r = search({"--accuracy-only", "--accuracy-cache", whole});
        QVERIFY2(r.code == kExitOk, qPrintable(r.err));
        const QRegularExpression total(
            "shard 0/1: (\\d+) of (\\d+) sub-networks \\((\\d+) measured");
        const QRegularExpressionMatch m = total.match(r.out);
        QVERIFY2(m.hasMatch(), qPrintable(r.out));
        const int archs = m.captured(2).toInt();
        QCOMPARE(m.captured(1).toInt(), archs);
        QVERIFY(archs >= 24);  // --quick's 24 predictor samples, and the baselines
        const QJsonObject wholeCache = readJson(whole);
        // Distinct sub-networks (the baselines may repeat a sample, e.g. the largest).
        const int distinct = static_cast<int>(searchTop1(wholeCache).size());
        QVERIFY(distinct >= 24 && distinct <= archs);
        QCOMPARE(m.captured(3).toInt(), distinct);

        // Three parts as three processes, each its own cache, through the job files' one
        // command (deploy/accuracy-shard.sh): two as Slurm array tasks, one as a Kubernetes
        // indexed Job's pod.
        QStringList parts;
        int inShards = 0;
        for (int i = 0; i < 3; ++i) {
            parts << m_dir.filePath(QStringLiteral("part-%1.json").arg(i));
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            if (i < 2) {
                env.insert("SLURM_ARRAY_TASK_ID", QString::number(i));
                env.insert("SLURM_ARRAY_TASK_COUNT", "3");
            } else {
                env.insert("JOB_COMPLETION_INDEX", QString::number(i));
                env.insert("DOFA_SHARDS", "3");
            }
            env.insert("DOFA", DOFA_CLI);
            env.insert("DOFA_MODEL", m_model);
            env.insert("DOFA_DATA", m_dir.path());
            env.insert("DOFA_OUT", m_dir.path());
            env.insert("DOFA_SEARCH_ARGS", "--quick");
            r = runShardScript(env);
            QVERIFY2(r.code == kExitOk, qPrintable(r.err));
            const QRegularExpressionMatch s =
                QRegularExpression(QStringLiteral("shard %1/3: (\\d+) of %2 ").arg(i).arg(archs))
                    .match(r.out);
            QVERIFY2(s.hasMatch(), qPrintable(r.out));
            inShards += s.captured(1).toInt();
            // A part holds only its own share.
            QVERIFY(searchTop1(readJson(parts.last())).size() < distinct);
        }
        QCOMPARE(inShards, archs);

        const QString merged = m_dir.filePath("merged.json");
        r = dofaRun(QStringList{"accuracy-cache", "merge", "-o", merged} + parts);
        QVERIFY2(r.code == kExitOk, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("merged 3 caches: %1 search").arg(distinct)),
                 qPrintable(r.out));
        const QJsonObject mergedCache = readJson(merged);
        QCOMPARE(searchTop1(mergedCache), searchTop1(wholeCache));
        QCOMPARE(mergedCache.value("search").toObject().value("model_checksum"),
                 wholeCache.value("search").toObject().value("model_checksum"));

        // The device search takes every one of them from the cache and measures only what
        // depends on this device (the predicted front), fewer than the sharded work.
        r = search({"--levels", "4", "--accuracy-cache", merged, "-o", m_dir.filePath("p.json")});
        QVERIFY2(r.code == kExitOk, qPrintable(r.err));
        QVERIFY2(r.out.contains(QRegularExpression(
                     QStringLiteral(": %1 \\+ \\d+ entries reused").arg(distinct))),
                 qPrintable(r.out));
        const QRegularExpressionMatch measured =
            QRegularExpression("(\\d+) accuracies measured").match(r.out);
        QVERIFY2(measured.hasMatch(), qPrintable(r.out));
        QVERIFY2(measured.captured(1).toInt() < distinct, qPrintable(r.out));
        m_parts = parts;
    }

    void mergeRefusesWhatDoesNotBelongTogether()
    {
        QVERIFY(!m_parts.isEmpty());
        const QString out = m_dir.filePath("bad-merge.json");
        // Another model.
        QJsonObject other = readJson(m_parts[1]);
        QJsonObject part = other.value("search").toObject();
        part.insert("model_checksum", QStringLiteral("0123"));
        other.insert("search", part);
        const QString otherModel = m_dir.filePath("other-model.json");
        writeJson(otherModel, other);
        CliRun r = dofaRun({"accuracy-cache", "merge", "-o", out, m_parts[0], otherModel});
        QCOMPARE(r.code, int{kExitBadInput});
        QVERIFY2(r.err.contains("other-model.json") && r.err.contains("model 0123"),
                 qPrintable(r.err));
        // One sub-network with two accuracies.
        QJsonObject twice = readJson(m_parts[0]);
        part = twice.value("search").toObject();
        QJsonObject top1 = part.value("top1").toObject();
        const QString arch = top1.keys().first();
        top1.insert(arch, top1.value(arch).toDouble() + 1.0);
        part.insert("top1", top1);
        twice.insert("search", part);
        const QString disagrees = m_dir.filePath("disagrees.json");
        writeJson(disagrees, twice);
        r = dofaRun({"accuracy-cache", "merge", "-o", out, m_parts[0], disagrees});
        QCOMPARE(r.code, int{kExitBadInput});
        QVERIFY2(r.err.contains(arch) && r.err.contains("disagrees.json"), qPrintable(r.err));
        // Not JSON.
        const QString garbage = m_dir.filePath("garbage.json");
        QFile g(garbage);
        QVERIFY(g.open(QIODevice::WriteOnly));
        g.write("{\"search\": ");
        g.close();
        r = dofaRun({"accuracy-cache", "merge", "-o", out, m_parts[0], garbage});
        QCOMPARE(r.code, int{kExitBadInput});
        QVERIFY2(r.err.contains("garbage.json") && r.err.contains("not an accuracy cache"),
                 qPrintable(r.err));
        QVERIFY(!QFile::exists(out));  // nothing written on a refusal
        // A search refuses a cache that is not JSON instead of starting over without it.
        r = search({"--accuracy-only", "--accuracy-cache", garbage});
        QCOMPARE(r.code, int{kExitBadInput});
        QVERIFY2(r.err.contains("garbage.json"), qPrintable(r.err));
        r = dofaRun({"accuracy-cache", "split"});
        QCOMPARE(r.code, int{kExitUsage});
    }

    void jobFilesAgree()
    {
        // The Kubernetes Job runs the script with as many parts as it has completions; the
        // Slurm array starts at 0 (the script takes the task id as the part).
        const QString k8s = readText(kDeploy + "/kubernetes/accuracy-shards.yaml");
        const QRegularExpressionMatch completions =
            QRegularExpression("\\bcompletions: (\\d+)").match(k8s);
        const QRegularExpressionMatch shards =
            QRegularExpression("name: DOFA_SHARDS\\s+value: \"(\\d+)\"").match(k8s);
        QVERIFY(completions.hasMatch() && shards.hasMatch());
        QCOMPARE(shards.captured(1), completions.captured(1));
        QVERIFY(k8s.contains("completionMode: Indexed"));
        QVERIFY(k8s.contains("/usr/share/dofa/deploy/accuracy-shard.sh"));
        const QString slurm = readText(kDeploy + "/slurm/accuracy-shards.sbatch");
        QVERIFY(slurm.contains(QRegularExpression("#SBATCH --array=0-\\d+")));
        QVERIFY(slurm.contains("accuracy-shard.sh"));
        // Without an index the script says so instead of running part 0 everywhere.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("SLURM_ARRAY_TASK_ID");
        env.remove("JOB_COMPLETION_INDEX");
        const CliRun r = runShardScript(env);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("no part index"), qPrintable(r.err));
    }

private:
    static inline const QString kDeploy = QStringLiteral(DOFA_SOURCE_DIR "/deploy");

    static QString readText(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }

    static CliRun runShardScript(const QProcessEnvironment& env)
    {
        QProcess p;
        p.setProcessEnvironment(env);
        p.start("sh", {kDeploy + "/accuracy-shard.sh"});
        if (!p.waitForFinished(300000)) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError()), 0};
    }

    CliRun search(const QStringList& extra)
    {
        return dofaRun(
            QStringList{"search", "--model", m_model, "--data", m_dir.path(), "--quick"} + extra,
            300000);
    }

    QTemporaryDir m_dir;
    QString m_model;
    QStringList m_parts;
};

QTEST_GUILESS_MAIN(TestCliShards)
#include "tst_cli_shards.moc"
