// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace dofa {

// One function per `dofa` subcommand; each returns an ExitCode and throws InputError /
// UsageError for bad files and bad command lines.
int cmdEval(const QStringList& args);
int cmdLevels(const QStringList& args);
int cmdTrain(const QStringList& args);
int cmdCalibrate(const QStringList& args);
int cmdArch(const QStringList& args);
int cmdInfo(const QStringList& args);
int cmdContract(const QStringList& args);
int cmdImportOfa(const QStringList& args);
int cmdSearch(const QStringList& args);
int cmdProfile(const QStringList& args);
int cmdExport(const QStringList& args);
int cmdRun(const QStringList& args);
int cmdAccuracyCache(const QStringList& args);

}  // namespace dofa
