// SPDX-License-Identifier: MIT
#include "run/shipped_files.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace dofa {

namespace {

/// Install location first (the dashboard as packaged), then the source tree (a build).
QStringList shareDirs()
{
    QStringList dirs;
    if (QCoreApplication::instance()) {
        dirs << QCoreApplication::applicationDirPath() + QStringLiteral("/../share/dofa");
    }
    dirs << QStringLiteral(DOFA_SOURCE_DIR);
    return dirs;
}

}  // namespace

QString shippedModelPath()
{
    const QString env = qEnvironmentVariable("DOFA_MODEL");
    if (!env.isEmpty()) {
        return env;
    }
    const QString name = QStringLiteral("fmnist-mbv3.dofa");
    const QStringList dirs = shareDirs();
    for (const QString& dir : dirs) {
        for (const QString& candidate : {dir + "/" + name, dir + "/resources/" + name}) {
            if (QFileInfo::exists(candidate)) {
                return QDir::cleanPath(candidate);
            }
        }
    }
    return QDir::cleanPath(QStringLiteral(DOFA_SOURCE_DIR) + "/resources/" + name);
}

QString shippedProfilePath(const QString& modelName, int threads)
{
    const QString name = QStringLiteral("%1.cpu-%2t.json").arg(modelName).arg(threads);
    for (const QString& dir : shareDirs()) {
        const QString candidate = dir + "/profiles/" + name;
        if (QFileInfo::exists(candidate)) {
            return QDir::cleanPath(candidate);
        }
    }
    return {};
}

}  // namespace dofa
