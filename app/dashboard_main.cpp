// SPDX-License-Identifier: MIT
// dofa-dashboard: the live dashboard (Qt Widgets; --kiosk: the QML kiosk). Parses the command
// line into DashboardOptions; everything else lives in core/live, widgets/ and qml/.
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QSettings>
#include <QTimer>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "live/dashboard_controller.h"
#include "live/dashboard_settings.h"
#include "main_window.h"
#include "model/compute_device.h"
#include "platform/platform_mode.h"
#include "run/run_log.h"
#ifdef DOFA_HAVE_QML
#include "kiosk_window.h"
#endif

namespace {

int usageError(const QString& text)
{
    std::fprintf(stderr, "dofa-dashboard: %s (see --help)\n", qPrintable(text));
    return 2;
}

/// Takes `--platform MODE` / `--platform=MODE` out of argv: QGuiApplication would read it as
/// its own `-platform` (the QPA plugin) and abort on "simulated". Empty when not given; "-"
/// when the value is missing.
std::string takePlatform(int& argc, char** argv)
{
    std::string mode;
    int out = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--platform" || arg == "-platform") {
            mode = i + 1 < argc ? argv[++i] : "-";
        } else if (arg.rfind("--platform=", 0) == 0) {
            mode = arg.substr(11);
        } else {
            argv[out++] = argv[i];
        }
    }
    argc = out;
    argv[argc] = nullptr;
    return mode;
}

}  // namespace

int main(int argc, char** argv)
{
    const std::string platformArg = takePlatform(argc, argv);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("dofa-dashboard"));
    QApplication::setOrganizationName(QStringLiteral("dofa"));
    QApplication::setApplicationVersion(QStringLiteral(DOFA_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Live dashboard of a dynamic super-network: video with classification, Pareto front, "
        "sub-network, time series, targets and knobs."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption model(QStringLiteral("model"),
                                   QStringLiteral("model file (default: the shipped model)"),
                                   QStringLiteral("FILE"));
    const QCommandLineOption profile(
        QStringLiteral("profile"),
        QStringLiteral("profile JSON (default: the shipped profile for the thread count)"),
        QStringLiteral("FILE"));
    const QCommandLineOption source(
        QStringLiteral("source"),
        QStringLiteral("dataset[:test|train], camera:N, file:PATH, gst:PIPELINE or folder:DIR "
                       "(default: dataset:test, or what was remembered)"),
        QStringLiteral("SPEC"));
    const QCommandLineOption platform(QStringLiteral("platform"),
                                      QStringLiteral("discover (default), simulated or none"),
                                      QStringLiteral("MODE"), QStringLiteral("discover"));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("inference threads (default 1)"),
                                     QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption device(
        QStringLiteral("device"),
        QStringLiteral("where the model runs: cpu (default), cuda or cuda:N (needs a LibTorch "
                       "with CUDA)"),
        QStringLiteral("NAME"), QStringLiteral("cpu"));
    const QCommandLineOption settings(QStringLiteral("settings"),
                                      QStringLiteral("settings file (INI) instead of the user's"),
                                      QStringLiteral("FILE"));
    const QCommandLineOption reset(QStringLiteral("reset-settings"),
                                   QStringLiteral("forget remembered settings and start fresh"));
    const QCommandLineOption kiosk(QStringLiteral("kiosk"),
                                   QStringLiteral("the full-screen QML kiosk instead of the "
                                                  "widgets window"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("save a PNG of the whole window before quitting (with --quit-after; "
                       "alone: after 3 s)"),
        QStringLiteral("FILE"));
    const QCommandLineOption quitAfter(QStringLiteral("quit-after"),
                                       QStringLiteral("run for SECONDS, then quit"),
                                       QStringLiteral("SECONDS"));
    const QCommandLineOption verbose(
        QStringLiteral("verbose"),
        QStringLiteral("log what the device layer, the pipeline and the worker do (Qt logging "
                       "categories dofa.*)"));
    parser.addOptions({model, profile, source, platform, threads, device, settings, reset, kiosk,
                       screenshot, quitAfter, verbose});
    parser.process(app);
    if (parser.isSet(verbose)) {
        dofa::enableVerboseLogging();
    }
    if (!parser.positionalArguments().isEmpty()) {
        return usageError(
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));
    }

    dofa::DashboardOptions options;
    options.modelPath = parser.value(model);
    options.profilePath = parser.value(profile);
    if (parser.isSet(source)) {
        options.source = parser.value(source);
    }
    // Shown in --help, but parsed before QApplication saw argv (see takePlatform).
    options.platform =
        platformArg.empty() ? parser.value(platform) : QString::fromStdString(platformArg);
    if (!dofa::platformModeFromName(options.platform.toStdString())) {
        return usageError(QStringLiteral("--platform must be discover, simulated or none, not '%1'")
                              .arg(options.platform));
    }
    bool ok = false;
    options.threads = parser.value(threads).toInt(&ok);
    if (!ok || options.threads < 1 || options.threads > 256) {
        return usageError(QStringLiteral("--threads must be a whole number from 1, not '%1'")
                              .arg(parser.value(threads)));
    }
    const std::string deviceText = parser.value(device).toStdString();
    const std::optional<dofa::ComputeDevice> computeDevice = dofa::ComputeDevice::parse(deviceText);
    if (!computeDevice) {
        return usageError(QStringLiteral("--device must be cpu, cuda or cuda:N, not '%1'")
                              .arg(parser.value(device)));
    }
    if (const std::string why = computeDevice->unavailableReason(); !why.empty()) {
        return usageError(QStringLiteral("--device %1: %2")
                              .arg(parser.value(device), QString::fromStdString(why)));
    }
    options.device = QString::fromStdString(computeDevice->name());
    double seconds = 0;
    if (parser.isSet(quitAfter)) {
        seconds = parser.value(quitAfter).toDouble(&ok);
        if (!ok || !(seconds > 0)) {
            return usageError(QStringLiteral("--quit-after must be a positive number of "
                                             "seconds, not '%1'")
                                  .arg(parser.value(quitAfter)));
        }
    } else if (parser.isSet(screenshot)) {
        seconds = 3;
    }
    options.settingsFile = parser.value(settings);
    if (parser.isSet(reset)) {
        dofa::DashboardSettings::open(options.settingsFile)->clear();
        options.restoreSettings = false;
    }

#ifndef DOFA_HAVE_QML
    if (parser.isSet(kiosk)) {
        std::fprintf(stderr,
                     "dofa-dashboard: the QML kiosk is not built into this binary (no qml/ "
                     "target dofa_qml); run without --kiosk\n");
        return 1;
    }
#endif

    // The controller outlives the window that views it (declared first, destroyed last).
    dofa::DashboardController controller(options);
    std::function<bool(const QString&)> save;
    std::unique_ptr<dofa::MainWindow> window;
#ifdef DOFA_HAVE_QML
    std::unique_ptr<dofa::KioskWindow> kioskWindow;
    if (parser.isSet(kiosk)) {
        kioskWindow = std::make_unique<dofa::KioskWindow>(&controller);
        if (!kioskWindow->loadErrors().isEmpty()) {
            std::fprintf(stderr, "dofa-dashboard: the kiosk's QML did not load: %s\n",
                         qPrintable(kioskWindow->loadErrors()));
            return 1;
        }
        // The board's own display, whole: the kiosk has no window decorations to offer.
        kioskWindow->showFullScreen();
        save = [&kioskWindow](const QString& path) { return kioskWindow->saveScreenshot(path); };
    }
#endif
    if (!save) {
        window = std::make_unique<dofa::MainWindow>(&controller);
        // Timed runs (tests, documentation) must never wait on a dialog.
        window->setErrorPopupsEnabled(seconds <= 0);
        window->show();
        save = [&window](const QString& path) { return window->saveScreenshot(path); };
    }

    int exitCode = 0;
    if (seconds > 0) {
        const QString shotPath = parser.value(screenshot);
        // shotPath by value: this block ends long before exec() runs the timer (ASan found the
        // reference to it dangling).
        QTimer::singleShot(static_cast<int>(seconds * 1000), &app, [&, shotPath] {
            if (!shotPath.isEmpty()) {
                if (save(shotPath)) {
                    std::fprintf(stderr, "dofa-dashboard: screenshot %s\n",
                                 qPrintable(QFileInfo(shotPath).absoluteFilePath()));
                } else {
                    std::fprintf(stderr, "dofa-dashboard: cannot save the screenshot to %s\n",
                                 qPrintable(shotPath));
                    exitCode = 1;
                }
            }
            QApplication::quit();
        });
    }
    const int rc = QApplication::exec();
    return exitCode != 0 ? exitCode : rc;
}
