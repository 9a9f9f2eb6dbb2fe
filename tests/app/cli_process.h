// SPDX-License-Identifier: MIT
#pragma once

// The `dofa` binary run as a user runs it (DOFA_CLI, set by tests/app/CMakeLists.txt), and the
// gzip'd IDX files the CLI tests make: one copy for every CLI test.

#include <QByteArray>
#include <QElapsedTimer>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <zlib.h>

namespace dofa::test {

struct CliRun
{
    int code = -1;  ///< exit code, -1 when killed or crashed
    QString out, err;
    double seconds = 0;
};

/// Runs `dofa args...`, killed after `timeoutMs`.
inline CliRun dofaRun(const QStringList& args, int timeoutMs = 180000)
{
    QElapsedTimer clock;
    clock.start();
    QProcess p;
    p.start(DOFA_CLI, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError()), clock.elapsed() / 1000.0};
}

inline QByteArray bigEndian(int v)
{
    QByteArray b(4, 0);
    for (int i = 0; i < 4; ++i)
        b[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
    return b;
}

inline void writeGz(const QString& path, const QByteArray& data)
{
    gzFile f = gzopen(path.toLocal8Bit().constData(), "wb");
    gzwrite(f, data.constData(), static_cast<unsigned>(data.size()));
    gzclose(f);
}

}  // namespace dofa::test
