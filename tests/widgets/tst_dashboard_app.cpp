// SPDX-License-Identifier: MIT
// The real dofa-dashboard binary: --screenshot/--quit-after under Xvfb (offscreen when
// xvfb-run is missing), bad options, and a source that fails to open.
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <set>

#include "model/compute_device.h"

namespace {

struct Run
{
    int exitCode = -1;
    bool finished = false;
    QString output;
};

/// Runs dofa-dashboard with `args` once, under `xvfb` when not empty, else offscreen.
Run runOnce(const QStringList& args, const QString& xvfb, int timeoutMs)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!xvfb.isEmpty()) {
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
        process.setProgram(xvfb);
        QStringList command{QStringLiteral("-a"), QStringLiteral("-s"),
                            QStringLiteral("-screen 0 1600x1000x24")};
        // scripts/sanitize.sh asks for libraries to stay loaded in the dashboard alone (not in
        // xvfb-run or Xvfb): see the reason there.
        const QString preload = qEnvironmentVariable("DOFA_TEST_DASHBOARD_PRELOAD");
        if (!preload.isEmpty()) {
            command << QStringLiteral("env") << QStringLiteral("LD_PRELOAD=") + preload;
        }
        process.setArguments(command << QStringLiteral(DOFA_DASHBOARD) << args);
    } else {
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        process.setProgram(QStringLiteral(DOFA_DASHBOARD));
        process.setArguments(args);
    }
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start();
    Run run;
    run.finished = process.waitForFinished(timeoutMs);
    if (!run.finished) {
        process.kill();
        process.waitForFinished(5000);
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.output = QString::fromLocal8Bit(process.readAll());
    return run;
}

/// Runs dofa-dashboard with `args`, on a virtual X display when xvfb-run exists and `display`.
Run runDashboard(const QStringList& args, bool display = true, int timeoutMs = 40000)
{
    const QString xvfb =
        display ? QStandardPaths::findExecutable(QStringLiteral("xvfb-run")) : QString();
    Run run = runOnce(args, xvfb, timeoutMs);
    // `xvfb-run -a` races with another one starting at the same moment (parallel ctest):
    // it then fails before our program ran. Try again, then do without the display.
    for (int attempt = 0; attempt < 2 && !xvfb.isEmpty() &&
                          run.output.contains(QStringLiteral("Xvfb failed to start"));
         ++attempt) {
        QTest::qWait(500 + 1000 * attempt);
        run = runOnce(args, xvfb, timeoutMs);
    }
    if (!xvfb.isEmpty() && run.output.contains(QStringLiteral("Xvfb failed to start"))) {
        qWarning("xvfb-run failed three times: running offscreen");
        run = runOnce(args, QString(), timeoutMs);
    }
    return run;
}

int distinctColours(const QImage& image, const QRect& area)
{
    std::set<QRgb> colours;
    for (int y = area.top(); y <= area.bottom(); y += 3) {
        for (int x = area.left(); x <= area.right(); x += 3) {
            colours.insert(image.pixel(x, y));
        }
    }
    return static_cast<int>(colours.size());
}

/// Pixels close to the SIMULATED badge's red (#c62828) in `area`.
int badgePixels(const QImage& image, const QRect& area)
{
    int count = 0;
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x) {
            const QColor c = image.pixelColor(x, y);
            count += std::abs(c.red() - 0xc6) < 12 && std::abs(c.green() - 0x28) < 12 &&
                     std::abs(c.blue() - 0x28) < 12;
        }
    }
    return count;
}

/// Copies a screenshot to $DOFA_SCREENSHOT_DIR when set (how docs/ gets its images).
void keep(const QString& path, const QString& name)
{
    const QString dir = qEnvironmentVariable("DOFA_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        QFile::remove(dir + QLatin1Char('/') + name);
        QFile::copy(path, dir + QLatin1Char('/') + name);
    }
}

}  // namespace

class TestDashboardApp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void widgetsScreenshot();
    void kioskScreenshot();
    void sourceThatFailsToOpen();
    void badOptions();

private:
    QTemporaryDir m_dir;
    [[nodiscard]] QStringList common() const
    {
        return {QStringLiteral("--settings"), m_dir.filePath(QStringLiteral("settings.ini")),
                QStringLiteral("--reset-settings")};
    }
};

void TestDashboardApp::widgetsScreenshot()
{
    const QString png = m_dir.filePath(QStringLiteral("dashboard.png"));
    const Run run = runDashboard(
        common() + QStringList{QStringLiteral("--platform"), QStringLiteral("simulated"),
                               QStringLiteral("--screenshot"), png, QStringLiteral("--quit-after"),
                               QStringLiteral("4")});
    QVERIFY2(run.finished, qPrintable(run.output));
    QVERIFY2(run.exitCode == 0, qPrintable(run.output));
    QImage image(png);
    QVERIFY2(!image.isNull(), qPrintable(run.output));
    QVERIFY(image.width() >= 1000 && image.height() >= 600);
    // Not blank, and every column of the window (video/subnet, charts, controls) draws.
    const int third = image.width() / 3;
    for (int column = 0; column < 3; ++column) {
        const QRect area(column * third, 40, third - 1, image.height() - 80);
        QVERIFY2(distinctColours(image, area) > 20, qPrintable(QString::number(column)));
    }
    // The red SIMULATED badge in the status bar (bottom right).
    const QRect statusBar(image.width() / 2, image.height() - 40, image.width() / 2 - 1, 39);
    QVERIFY(badgePixels(image, statusBar) > 50);
    keep(png, QStringLiteral("dashboard.png"));
}

void TestDashboardApp::kioskScreenshot()
{
#if DOFA_KIOSK_BUILT
    const QString png = m_dir.filePath(QStringLiteral("kiosk.png"));
    const Run run = runDashboard(
        common() + QStringList{QStringLiteral("--kiosk"), QStringLiteral("--screenshot"), png,
                               QStringLiteral("--quit-after"), QStringLiteral("3")});
    QVERIFY2(run.finished, qPrintable(run.output));
    QVERIFY2(run.exitCode == 0, qPrintable(run.output));
    QImage image(png);
    QVERIFY2(!image.isNull(), qPrintable(run.output));
    QVERIFY(distinctColours(image, image.rect().adjusted(0, 0, -1, -1)) > 20);
    keep(png, QStringLiteral("kiosk.png"));
#else
    const Run run = runDashboard(common() + QStringList{QStringLiteral("--kiosk")}, false);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.output.contains(QStringLiteral("kiosk is not built")), qPrintable(run.output));
    QSKIP("qml/ (dofa_qml) is not built: only the clear refusal is checked");
#endif
}

void TestDashboardApp::sourceThatFailsToOpen()
{
    // A missing video file: the window comes up with the message, and quits cleanly.
    const QString png = m_dir.filePath(QStringLiteral("bad-source.png"));
    const Run run =
        runDashboard(common() + QStringList{QStringLiteral("--source"),
                                            QStringLiteral("file:/nonexistent/dofa-test-video.mp4"),
                                            QStringLiteral("--platform"), QStringLiteral("none"),
                                            QStringLiteral("--screenshot"), png,
                                            QStringLiteral("--quit-after"), QStringLiteral("2")});
    QVERIFY2(run.finished, qPrintable(run.output));
    QVERIFY2(run.exitCode == 0, qPrintable(run.output));
    QVERIFY(!QImage(png).isNull());

    // A screenshot that cannot be written: nonzero with a message.
    const Run unwritable =
        runDashboard(common() + QStringList{QStringLiteral("--platform"), QStringLiteral("none"),
                                            QStringLiteral("--screenshot"),
                                            m_dir.filePath(QStringLiteral("missing/dir/x.png")),
                                            QStringLiteral("--quit-after"), QStringLiteral("1")});
    QVERIFY2(unwritable.finished, qPrintable(unwritable.output));
    QCOMPARE(unwritable.exitCode, 1);
    QVERIFY2(unwritable.output.contains(QStringLiteral("cannot save the screenshot")),
             qPrintable(unwritable.output));
}

void TestDashboardApp::badOptions()
{
    // Offscreen: usage errors need no display.
    const Run platform =
        runDashboard({QStringLiteral("--platform"), QStringLiteral("bogus")}, false);
    QCOMPARE(platform.exitCode, 2);
    QVERIFY(platform.output.contains(QStringLiteral("--platform")));
    const Run quit = runDashboard({QStringLiteral("--quit-after"), QStringLiteral("soon")}, false);
    QCOMPARE(quit.exitCode, 2);
    QVERIFY(quit.output.contains(QStringLiteral("--quit-after")));
    const Run device = runDashboard({QStringLiteral("--device"), QStringLiteral("gpu")}, false);
    QCOMPARE(device.exitCode, 2);
    QVERIFY2(device.output.contains(QStringLiteral("--device must be cpu, cuda or cuda:N")),
             qPrintable(device.output));
    if (!dofa::ComputeDevice::torchHasCuda()) {
        // Debian's LibTorch: CUDA is refused before any window opens, and the message says why.
        const Run cuda = runDashboard({QStringLiteral("--device"), QStringLiteral("cuda")}, false);
        QCOMPARE(cuda.exitCode, 2);
        QVERIFY2(cuda.output.contains(QStringLiteral("built without CUDA")) &&
                     cuda.output.contains(QStringLiteral("-DTorch_DIR=")),
                 qPrintable(cuda.output));
    }
}

QTEST_MAIN(TestDashboardApp)
#include "tst_dashboard_app.moc"
