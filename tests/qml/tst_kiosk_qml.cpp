// SPDX-License-Identifier: MIT
// Runs the tst_*.qml files of this folder (Qt Quick Test) against a real DashboardController:
// the shipped model and its 2-thread profile, dataset replay, the SIMULATED board, a temporary
// settings file. The controller is `LiveController` in `import Dofa.Test 1.0`; `TestFiles` there
// names the files the tests may open (a profile with mapping libraries, test::MappingProfile).
#include <QApplication>
#include <QJSEngine>
#include <QJSValue>
#include <QQmlEngine>
#include <QStringList>
#include <QTemporaryDir>
#include <QtQml>
#include <QtQuickTest>
#include <memory>

#include "../live/live_fixtures.h"
#include "kiosk_types.h"
#include "live/dashboard_controller.h"

namespace {

dofa::DashboardController* g_controller = nullptr;
/// TestFiles: model, shipped profile, mapping profile, its two mapping libraries' names.
QStringList g_files;

}  // namespace

int main(int argc, char** argv)
{
    // The offscreen platform has no GL context to give Qt Quick: render in software.
    if (!qEnvironmentVariableIsSet("QT_QUICK_BACKEND")) {
        qputenv("QT_QUICK_BACKEND", "software");
    }
    // Qt Charts' QML types draw through Graphics View: a QApplication, as in the dashboard.
    QApplication app(argc, argv);
    QTemporaryDir dir;
    if (!dir.isValid()) {
        qCritical("tst_kiosk_qml: no temporary directory: %s", qPrintable(dir.errorString()));
        return 1;
    }
    const dofa::DashboardOptions options = dofa::test::shippedDashboardOptions(
        dir.filePath(QStringLiteral("settings.ini")), QStringLiteral("simulated"));
    auto controller = std::make_unique<dofa::DashboardController>(options);
    g_controller = controller.get();
    const dofa::test::MappingProfile mapping =
        dofa::test::writeMappingProfile(dir.filePath(QStringLiteral("mapping.json")));
    if (mapping.path.isEmpty()) {
        qCritical("tst_kiosk_qml: the mapping profile could not be written in %s",
                  qPrintable(dir.path()));
        return 1;
    }

    dofa::registerKioskTypes();
    qmlRegisterSingletonType<dofa::DashboardController>(
        "Dofa.Test", 1, 0, "LiveController", [](QQmlEngine*, QJSEngine*) -> QObject* {
            // Owned here, not by whichever engine asks first.
            QQmlEngine::setObjectOwnership(g_controller, QQmlEngine::CppOwnership);
            return g_controller;
        });

    g_files = {options.modelPath, options.profilePath, mapping.path, mapping.oneThread,
               mapping.twoThreads};
    qmlRegisterSingletonType("Dofa.Test", 1, 0, "TestFiles",
                             [](QQmlEngine*, QJSEngine* js) -> QJSValue {
                                 QJSValue files = js->newObject();
                                 files.setProperty(QStringLiteral("model"), g_files[0]);
                                 files.setProperty(QStringLiteral("shippedProfile"), g_files[1]);
                                 files.setProperty(QStringLiteral("mappingProfile"), g_files[2]);
                                 files.setProperty(QStringLiteral("oneThread"), g_files[3]);
                                 files.setProperty(QStringLiteral("twoThreads"), g_files[4]);
                                 return files;
                             });

    QTEST_SET_MAIN_SOURCE_PATH
    const int rc = quick_test_main(argc, argv, "tst_kiosk_qml", QUICK_TEST_SOURCE_DIR);
    g_controller = nullptr;
    controller.reset();  // stops the worker before the application goes
    return rc;
}
