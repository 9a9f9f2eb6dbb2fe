// SPDX-License-Identifier: MIT
#pragma once

#include <QQuickView>
#include <QString>

namespace dofa {

class DashboardController;

/// The Qt Quick kiosk of `dofa-dashboard --kiosk`: a full-screen, touch-sized view for a board's
/// own 7-inch display (800x480, 1024x600) over the same DashboardController as the widgets app.
/// It only shows what the controller holds (snapshot(), modelInfo(), its properties) and writes
/// the three targets back through the controller's setters: no logic of its own.
///
/// Lives on the GUI thread. The application must be a QApplication (Qt Charts' QML types draw
/// through the Graphics View framework). The controller must outlive the window.
class KioskWindow : public QQuickView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KioskWindow)

public:
    explicit KioskWindow(DashboardController* controller, QWindow* parent = nullptr);
    ~KioskWindow() override;

    /// Grabs the rendered window and writes it as PNG to `path` (temporary name, then rename).
    /// False, with a warning naming the file, when nothing was rendered or the file cannot be
    /// written.
    bool saveScreenshot(const QString& path);

    /// QML load errors, empty when Main.qml loaded (for the app's message and for tests).
    [[nodiscard]] QString loadErrors() const { return m_loadErrors; }

private:
    DashboardController* m_controller;
    QString m_loadErrors;
};

}  // namespace dofa
