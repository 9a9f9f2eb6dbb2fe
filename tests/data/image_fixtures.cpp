// SPDX-License-Identifier: MIT
#include "image_fixtures.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <cstring>

namespace image_fixtures {

namespace {

constexpr int kPythonTimeoutMs = 120000;

/// `python3` on PATH first, then Debian's own: the Debian packages install for /usr/bin/python3,
/// which a pyenv or venv earlier on PATH hides.
QString findPython(QString& why)
{
    for (const QString& exe : {QString("python3"), QString("/usr/bin/python3")}) {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(exe, {"-c", "import numpy, PIL, cv2, torchvision"});
        if (!p.waitForFinished(kPythonTimeoutMs)) {
            why += exe + ": did not start or finish (" + p.errorString() + ")\n";
            continue;
        }
        if (p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0) {
            return exe;
        }
        // An ImportError's last line names the module; a broken interpreter's first line says why.
        const QStringList lines = QString::fromLocal8Bit(p.readAll()).trimmed().split('\n');
        why += exe + ": " + lines.first().trimmed();
        if (lines.size() > 1) {
            why += " ... " + lines.last().trimmed();
        }
        why += "\n";
    }
    return {};
}

torch::Tensor readRaw(const QString& path, const std::vector<int64_t>& shape,
                      torch::ScalarType type)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QByteArray data = f.readAll();
    torch::Tensor t = torch::empty(shape, type);
    if (static_cast<size_t>(data.size()) != t.nbytes()) {
        return {};
    }
    // numpy wrote '<f4' / 'u1'; the machines dofa runs on are little-endian too.
    std::memcpy(t.data_ptr(), data.constData(), t.nbytes());
    return t;
}

}  // namespace

QString generate(const QString& outDir, const QStringList& extraArgs)
{
    static QString why;
    static const QString python = findPython(why);
    if (python.isEmpty()) {
        return "no python3 that imports numpy, PIL, cv2 and torchvision (Debian 12: apt-get "
               "install python3-numpy python3-pil python3-opencv python3-torchvision, as "
               "scripts/install-deps.sh does):\n" +
               why;
    }
    const QString script = QStringLiteral(DOFA_FIXTURES_DIR) + "/images/make_image_fixtures.py";
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(python, QStringList{script, outDir} + extraArgs);
    const bool finished = p.waitForFinished(kPythonTimeoutMs);
    const QString output = QString::fromLocal8Bit(p.readAll());
    if (!finished || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        return python + " " + script + " failed:\n" + output;
    }
    if (manifest(outDir).isEmpty()) {
        return script + " wrote no readable manifest.json in " + outDir + ":\n" + output;
    }
    return {};
}

QJsonObject manifest(const QString& outDir)
{
    QFile f(QDir(outDir).filePath("manifest.json"));
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QJsonDocument::fromJson(f.readAll()).object();
}

torch::Tensor readFloats(const QString& path, const std::vector<int64_t>& shape)
{
    return readRaw(path, shape, torch::kFloat32);
}

torch::Tensor readBytes(const QString& path, const std::vector<int64_t>& shape)
{
    return readRaw(path, shape, torch::kUInt8);
}

}  // namespace image_fixtures
