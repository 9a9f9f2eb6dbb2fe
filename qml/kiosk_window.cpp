// SPDX-License-Identifier: MIT
#include "kiosk_window.h"

#include <QImage>
#include <QQmlError>
#include <QSaveFile>
#include <QUrl>
#include <QVariantMap>

#include "kiosk_types.h"
#include "live/dashboard_controller.h"

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
        qWarning("KioskWindow: the kiosk's QML did not load:\n%s", qPrintable(m_loadErrors));
    }
}

KioskWindow::~KioskWindow() = default;

bool KioskWindow::saveScreenshot(const QString& path)
{
    const QImage image = grabWindow();
    if (image.isNull()) {
        qWarning("KioskWindow: nothing rendered to save as %s", qPrintable(path));
        return false;
    }
    QSaveFile file(path);  // temporary name, renamed on commit
    if (!file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit()) {
        qWarning("KioskWindow: cannot write the screenshot %s: %s", qPrintable(path),
                 qPrintable(file.errorString()));
        return false;
    }
    return true;
}

}  // namespace dofa
