// SPDX-License-Identifier: MIT
#include "kiosk_window.h"

#include <QBuffer>
#include <QImage>
#include <QQmlError>
#include <QUrl>
#include <QVariantMap>
#include <stdexcept>
#include <string_view>

#include "kiosk_log.h"
#include "kiosk_types.h"
#include "live/dashboard_controller.h"
#include "supernet/atomic_file.h"

namespace dofa {

KioskWindow::KioskWindow(DashboardController* controller, QWindow* parent)
    : QQuickView(parent), m_controller(controller)
{
    registerKioskTypes();
    setTitle(tr("dofa kiosk"));
    setColor(QColor(0x12, 0x14, 0x18));
    setResizeMode(QQuickView::SizeRootObjectToView);
    // The smallest board display it is laid out for; full screen on the board itself.
    setMinimumSize(QSize(800, 480));
    resize(1024, 600);
    setInitialProperties({{QStringLiteral("controller"), QVariant::fromValue(controller)}});
    setSource(QUrl(QString::fromLatin1(kKioskQmlUrl) + QStringLiteral("/Main.qml")));
    if (status() == QQuickView::Error) {
        QStringList lines;
        for (const QQmlError& e : errors()) {
            lines << e.toString();
        }
        m_loadErrors = lines.join(QLatin1Char('\n'));
        qCWarning(lcKiosk, "KioskWindow: the kiosk's QML did not load:\n%s",
                  qPrintable(m_loadErrors));
    }
}

KioskWindow::~KioskWindow() = default;

bool KioskWindow::saveScreenshot(const QString& path)
{
    const QImage image = grabWindow();
    if (image.isNull()) {
        qCWarning(lcKiosk, "KioskWindow: nothing rendered to save as %s", qPrintable(path));
        return false;
    }
    QByteArray png;
    QBuffer buffer(&png);
    if (!buffer.open(QIODevice::WriteOnly) || !image.save(&buffer, "PNG")) {
        qCWarning(lcKiosk, "KioskWindow: cannot write the screenshot %s: PNG encoding failed",
                  qPrintable(path));
        return false;
    }
    try {
        AtomicFile::save(path.toStdString(),
                         std::string_view(png.constData(), static_cast<size_t>(png.size())),
                         "screenshot");
    } catch (const std::runtime_error& e) {
        qCWarning(lcKiosk, "KioskWindow: cannot write the screenshot: %s", e.what());
        return false;
    }
    return true;
}

}  // namespace dofa
