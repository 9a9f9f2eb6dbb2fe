// SPDX-License-Identifier: MIT
#pragma once

#include <QMainWindow>
#include <QPointer>
#include <functional>
#include <memory>

class QLabel;
class QMessageBox;
class QSettings;
class QSplitter;

namespace dofa {

class ControlPanel;
class DashboardController;
class DecisionLogView;
class ParetoChartView;
class SubnetDiagramView;
class TimeSeriesPanel;
class VideoView;

/// dofa-dashboard's window: video and sub-network on the left, the Pareto chart and the time
/// series in the middle, controls and the decision log on the right, in splitters whose state
/// (and the window geometry) is remembered. The status bar shows the controller's message and
/// a red SIMULATED badge while the simulated board is in use. Every view redraws on the
/// controller's updated() only, from its snapshot().
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(DashboardController* controller, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// The whole window as a PNG (written to a temporary name and renamed); false with a
    /// message in the status bar when it cannot be written.
    bool saveScreenshot(const QString& path);
    /// The Pareto chart and the time series as one PNG, or as SVG (QSvgGenerator).
    bool exportChartsPng(const QString& path);
    bool exportChartsSvg(const QString& path);

    /// Error dialogs are non-modal; tests and screenshots turn them off (status bar only).
    void setErrorPopupsEnabled(bool enabled) { m_errorPopups = enabled; }

    /// Writes geometry and splitter state to the settings (also done on close).
    void saveSettings();

    [[nodiscard]] VideoView* videoView() const { return m_video; }
    [[nodiscard]] ParetoChartView* paretoView() const { return m_pareto; }
    [[nodiscard]] SubnetDiagramView* subnetView() const { return m_subnet; }
    [[nodiscard]] TimeSeriesPanel* timeSeries() const { return m_timeSeries; }
    [[nodiscard]] DecisionLogView* decisionLog() const { return m_decisions; }
    [[nodiscard]] ControlPanel* controlPanel() const { return m_controls; }
    [[nodiscard]] QLabel* simulatedBadge() const { return m_simulatedBadge; }
    /// The status bar's message (the controller's message or the last error).
    [[nodiscard]] QString statusMessage() const;
    /// How many updated() signals were drawn (tests check the views follow the controller).
    [[nodiscard]] int redraws() const { return m_redraws; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void redraw();
    void modelChanged();
    void platformChanged();
    void showError(const QString& text);
    bool exportTo(const QString& what, const std::function<bool()>& write);
    [[nodiscard]] std::unique_ptr<QSettings> settings() const;
    void restoreSettings();

    DashboardController* m_controller;
    VideoView* m_video = nullptr;
    ParetoChartView* m_pareto = nullptr;
    SubnetDiagramView* m_subnet = nullptr;
    TimeSeriesPanel* m_timeSeries = nullptr;
    DecisionLogView* m_decisions = nullptr;
    ControlPanel* m_controls = nullptr;
    QSplitter* m_main = nullptr;
    QSplitter* m_left = nullptr;
    QSplitter* m_charts = nullptr;
    QSplitter* m_right = nullptr;
    QLabel* m_message = nullptr;
    QLabel* m_rate = nullptr;
    QLabel* m_simulatedBadge = nullptr;
    QPointer<QMessageBox> m_errorBox;
    QString m_lastError;
    bool m_errorPopups = true;
    int m_redraws = 0;
};

}  // namespace dofa
