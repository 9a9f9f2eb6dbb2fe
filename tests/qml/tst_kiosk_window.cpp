// SPDX-License-Identifier: MIT
// KioskWindow as dofa-dashboard --kiosk opens it, over a real DashboardController (shipped
// model, dataset replay, SIMULATED board): it loads, runs for a while, and its screenshot is a
// PNG whose panels are drawn (not one flat colour each).
#include <QApplication>
#include <QImage>
#include <QQmlProperty>
#include <QQuickItem>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <memory>

#include "../live/live_fixtures.h"
#include "kiosk_window.h"
#include "live/dashboard_controller.h"
#include "pareto_feeder.h"
#include "video_item.h"

using namespace dofa;

namespace {

/// Standard deviation of the gray levels of `rect` in `image` (0 for a flat region).
double grayStdDev(const QImage& image, const QRect& rect)
{
    const QImage part = image.copy(rect).convertToFormat(QImage::Format_Grayscale8);
    double sum = 0, sum2 = 0;
    const double n = double(part.width()) * part.height();
    for (int y = 0; y < part.height(); ++y) {
        const uchar* line = part.constScanLine(y);
        for (int x = 0; x < part.width(); ++x) {
            sum += line[x];
            sum2 += double(line[x]) * line[x];
        }
    }
    if (n <= 0) {
        return 0;
    }
    const double mean = sum / n;
    return std::sqrt(std::max(0.0, sum2 / n - mean * mean));
}

}  // namespace

class TestKioskWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void screenshotShowsEveryPanel_data();
    void screenshotShowsEveryPanel();
    void levelIndicatorShowsControllerLevel();
    void screenshotToBadPathFails();
    void wrongControllerBindingWarns();

private:
    /// The item named `name` in the kiosk's scene, in the window's pixels.
    QRect sceneRect(const char* name) const;

    QTemporaryDir m_dir;
    std::unique_ptr<DashboardController> m_controller;
    std::unique_ptr<KioskWindow> m_window;
};

void TestKioskWindow::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const DashboardOptions options = test::shippedDashboardOptions(
        m_dir.filePath(QStringLiteral("settings.ini")), QStringLiteral("simulated"));
    m_controller = std::make_unique<DashboardController>(options);
    m_window = std::make_unique<KioskWindow>(m_controller.get());
    QVERIFY2(m_window->loadErrors().isEmpty(), qPrintable(m_window->loadErrors()));
    QVERIFY(m_window->rootObject());
    m_window->resize(1024, 600);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->isRunning() && m_controller->level() >= 0, 20000);
}

void TestKioskWindow::cleanupTestCase()
{
    m_window.reset();  // the view before the controller it reads
    m_controller.reset();
}

QRect TestKioskWindow::sceneRect(const char* name) const
{
    auto* item = m_window->rootObject()->findChild<QQuickItem*>(QLatin1String(name));
    if (!item) {
        return {};
    }
    const QRectF r = item->mapRectToScene(QRectF(0, 0, item->width(), item->height()));
    const qreal dpr = m_window->effectiveDevicePixelRatio();
    return QRectF(r.topLeft() * dpr, r.size() * dpr).toAlignedRect();
}

void TestKioskWindow::screenshotShowsEveryPanel_data()
{
    // The two common 7-inch board displays.
    QTest::addColumn<QSize>("size");
    QTest::addRow("1024x600") << QSize(1024, 600);
    QTest::addRow("800x480") << QSize(800, 480);
}

void TestKioskWindow::screenshotShowsEveryPanel()
{
    QFETCH(QSize, size);
    m_window->resize(size);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->rootObject()->size(), QSizeF(size), 3000);
    // Let it run ~2 s, as a person would see it: frames, a level, measured latency and power.
    QTest::qWait(2000);
    QTRY_VERIFY_WITH_TIMEOUT(
        std::isfinite(m_controller->latencyMs()) && m_controller->snapshot().frameIndex >= 0,
        10000);
    QTest::qWait(200);  // one more tick drawn

    const QString path =
        m_dir.filePath(QStringLiteral("kiosk-%1.png").arg(QTest::currentDataTag()));
    QVERIFY(m_window->saveScreenshot(path));
    const QImage shot(path);
    if (qEnvironmentVariableIsSet("DOFA_KEEP_SCREENSHOT")) {
        shot.save(qEnvironmentVariable("DOFA_KEEP_SCREENSHOT") + QTest::currentDataTag() + ".png");
    }
    QVERIFY2(!shot.isNull(), "the screenshot is not a readable PNG");
    QVERIFY(shot.width() >= size.width() && shot.height() >= size.height());
    QVERIFY2(grayStdDev(shot, shot.rect()) > 10, "the screenshot is blank");

    // Each panel is where Main.qml puts it and has something drawn in it.
    for (const char* name :
         {"videoPanel", "paretoPanel", "latencyGauge", "powerGauge", "latencySlider", "powerSlider",
          "accuracySlider", "levelIndicator", "simulatedBadge"}) {
        const QRect rect = sceneRect(name);
        const QString where = QStringLiteral("%1 at %2,%3 %4x%5 in a %6x%7 screenshot")
                                  .arg(QLatin1String(name))
                                  .arg(rect.x())
                                  .arg(rect.y())
                                  .arg(rect.width())
                                  .arg(rect.height())
                                  .arg(shot.width())
                                  .arg(shot.height());
        QVERIFY2(rect.width() >= 40 && rect.height() >= 20 && shot.rect().contains(rect),
                 qPrintable(where));
        const double sd = grayStdDev(shot, rect);
        QVERIFY2(
            sd > 4,
            qPrintable(
                QStringLiteral("%1 is flat (gray std dev %2)").arg(QLatin1String(name)).arg(sd)));
    }
    // The video shows a frame, not only its black background: the panel above the overlay
    // varies. The whole upper part, not its middle: the middle of one Fashion-MNIST image can be
    // flat (a bag, a shirt's front) while the object's edges against the black border never are.
    const QRect video = sceneRect("videoPanel");
    const QRect upper = video.adjusted(0, 0, 0, -video.height() / 3);
    QVERIFY2(grayStdDev(shot, upper) > 4, "no frame in the video panel");
}

void TestKioskWindow::levelIndicatorShowsControllerLevel()
{
    auto* indicator =
        m_window->rootObject()->findChild<QQuickItem*>(QStringLiteral("levelIndicator"));
    QVERIFY(indicator);
    QTRY_COMPARE_WITH_TIMEOUT(QQmlProperty::read(indicator, QStringLiteral("litCell")).toInt(),
                              m_controller->level(), 3000);
}

void TestKioskWindow::screenshotToBadPathFails()
{
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("cannot write the screenshot")));
    QVERIFY(!m_window->saveScreenshot(m_dir.filePath(QStringLiteral("no/such/dir/kiosk.png"))));
}

void TestKioskWindow::wrongControllerBindingWarns()
{
    // A QML binding to something that is not the controller: said, and the item stays empty.
    QObject notAController;
    VideoItem video;
    QTest::ignoreMessage(QtWarningMsg,
                         "VideoFrame.controller: QObject is not a DashboardController");
    video.setControllerObject(&notAController);
    QCOMPARE(video.controllerObject(), nullptr);
    video.setControllerObject(m_controller.get());
    QCOMPARE(video.controllerObject(), static_cast<QObject*>(m_controller.get()));
    ParetoFeeder feeder;
    QTest::ignoreMessage(QtWarningMsg,
                         "ParetoFeeder.controller: QObject is not a DashboardController");
    feeder.setControllerObject(&notAController);
    QCOMPARE(feeder.controllerObject(), nullptr);
}

int main(int argc, char** argv)
{
    // The offscreen platform has no GL context to give Qt Quick: render in software.
    if (!qEnvironmentVariableIsSet("QT_QUICK_BACKEND")) {
        qputenv("QT_QUICK_BACKEND", "software");
    }
    // Qt Charts' QML types draw through Graphics View: a QApplication, as in the dashboard.
    QApplication app(argc, argv);
    TestKioskWindow test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_kiosk_window.moc"
