// SPDX-License-Identifier: MIT
#include "main_window.h"

#include <QBuffer>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QSvgGenerator>
#include <cmath>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "control_panel.h"
#include "decision_log_view.h"
#include "live/dashboard_controller.h"
#include "live/dashboard_settings.h"
#include "pareto_chart_view.h"
#include "subnet_diagram_view.h"
#include "supernet/atomic_file.h"
#include "time_series_panel.h"
#include "video_view.h"

namespace dofa {

namespace {

/// `bytes` saved as `path` (AtomicFile); the error text, empty on success. The dashboard shows
/// errors instead of throwing them.
QString saveFile(const QString& path, const QByteArray& bytes, const char* what)
{
    try {
        AtomicFile::save(path.toStdString(),
                         std::string_view(bytes.constData(), static_cast<size_t>(bytes.size())),
                         what);
    } catch (const std::runtime_error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

QByteArray pngBytes(const QPixmap& pixmap)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!pixmap.save(&buffer, "PNG")) {
        return {};
    }
    return bytes;
}

}  // namespace

MainWindow::MainWindow(DashboardController* controller, QWidget* parent)
    : QMainWindow(parent), m_controller(controller)
{
    setWindowTitle(tr("dofa dashboard"));

    m_video = new VideoView(this);
    m_subnet = new SubnetDiagramView(this);
    m_pareto = new ParetoChartView(this);
    m_timeSeries = new TimeSeriesPanel(this);
    m_decisions = new DecisionLogView(this);
    m_controls = new ControlPanel(controller, this);

    m_left = new QSplitter(Qt::Vertical, this);
    m_left->setObjectName(QStringLiteral("left"));
    m_left->addWidget(m_video);
    m_left->addWidget(m_subnet);

    m_charts = new QSplitter(Qt::Vertical, this);
    m_charts->setObjectName(QStringLiteral("charts"));
    m_charts->addWidget(m_pareto);
    m_charts->addWidget(m_timeSeries);
    m_charts->setStretchFactor(0, 2);
    m_charts->setStretchFactor(1, 3);

    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_controls);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(300);
    m_right = new QSplitter(Qt::Vertical, this);
    m_right->setObjectName(QStringLiteral("right"));
    m_right->addWidget(scroll);
    m_right->addWidget(m_decisions);
    m_right->setStretchFactor(0, 3);
    m_right->setStretchFactor(1, 1);

    m_main = new QSplitter(Qt::Horizontal, this);
    m_main->setObjectName(QStringLiteral("main"));
    m_main->addWidget(m_left);
    m_main->addWidget(m_charts);
    m_main->addWidget(m_right);
    m_main->setStretchFactor(0, 2);
    m_main->setStretchFactor(1, 4);
    m_main->setStretchFactor(2, 2);
    setCentralWidget(m_main);

    m_message = new QLabel(this);
    m_rate = new QLabel(this);
    m_simulatedBadge = new QLabel(tr(" SIMULATED "), this);
    m_simulatedBadge->setStyleSheet(QStringLiteral(
        "QLabel { background: #c62828; color: white; font-weight: bold; padding: 2px 6px; }"));
    m_simulatedBadge->setToolTip(
        tr("Power, clocks and frequency knobs come from the simulated board, not from sensors"));
    statusBar()->addWidget(m_message, 1);
    statusBar()->addPermanentWidget(m_rate);
    statusBar()->addPermanentWidget(m_simulatedBadge);

    buildMenus();

    connect(controller, &DashboardController::updated, this, &MainWindow::redraw);
    connect(controller, &DashboardController::modelChanged, this, &MainWindow::modelChanged);
    connect(controller, &DashboardController::platformChanged, this, &MainWindow::platformChanged);
    connect(controller, &DashboardController::messageChanged, this, [this] {
        // Red while the message is the last error; a newer message clears it.
        const QString text = m_controller->message();
        m_message->setText(text);
        m_message->setStyleSheet(text == m_lastError ? QStringLiteral("QLabel { color: #b71c1c; }")
                                                     : QString());
    });
    connect(controller, &DashboardController::errorOccurred, this, &MainWindow::showError);
    connect(controller, &DashboardController::profilingFinished, this,
            [this](bool ok, const QString& path) {
                m_message->setText(ok ? tr("profiled this device: %1").arg(path)
                                      : tr("profiling did not finish"));
            });

    resize(1500, 920);
    // First-run proportions (remembered ones replace them): the charts get the most room.
    m_main->setSizes({380, 690, 430});
    m_left->setSizes({430, 470});
    m_charts->setSizes({330, 570});
    m_right->setSizes({640, 260});
    modelChanged();
    platformChanged();
    m_message->setText(controller->message());
    restoreSettings();
}

MainWindow::~MainWindow()
{
    saveSettings();
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("Open &model…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open model"),
                                                          m_controller->modelInfo().modelPath,
                                                          tr("dofa models (*.dofa);;all (*)"));
        if (!path.isEmpty()) {
            m_controller->openModel(path, {});
        }
    });
    file->addAction(tr("Open &profile…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open profile"),
                                                          m_controller->modelInfo().profilePath,
                                                          tr("profiles (*.json);;all (*)"));
        if (!path.isEmpty()) {
            m_controller->openModel(m_controller->modelInfo().modelPath, path);
        }
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* exportMenu = menuBar()->addMenu(tr("&Export"));
    auto add = [this, exportMenu](const QString& title, const QString& filter,
                                  std::function<bool(const QString&)> write) {
        exportMenu->addAction(title, this, [this, title, filter, write] {
            const QString path = QFileDialog::getSaveFileName(this, title, {}, filter);
            if (!path.isEmpty()) {
                exportTo(title, [write, path] { return write(path); });
            }
        });
    };
    add(tr("Profile JSON…"), tr("JSON (*.json)"),
        [this](const QString& p) { return m_controller->exportProfileJson(p); });
    add(tr("Profile CSV…"), tr("CSV (*.csv)"),
        [this](const QString& p) { return m_controller->exportProfileCsv(p); });
    add(tr("Charts PNG…"), tr("PNG (*.png)"),
        [this](const QString& p) { return exportChartsPng(p); });
    add(tr("Charts SVG…"), tr("SVG (*.svg)"),
        [this](const QString& p) { return exportChartsSvg(p); });
    add(tr("Telemetry CSV…"), tr("CSV (*.csv)"),
        [this](const QString& p) { return m_controller->exportTelemetryCsv(p); });
}

bool MainWindow::exportTo(const QString& what, const std::function<bool()>& write)
{
    const bool ok = write();
    if (ok) {
        m_message->setText(tr("%1 written").arg(what));
    }
    return ok;
}

void MainWindow::redraw()
{
    // A hidden window draws nothing; the next updated() after showing catches up.
    if (!isVisible()) {
        return;
    }
    ++m_redraws;
    const LiveSnapshot& s = m_controller->snapshot();
    const LiveModelInfo& info = m_controller->modelInfo();
    m_video->showSnapshot(s);
    const int level = s.currentLevel;
    m_pareto->setState(level, s.library, m_controller->latencyTargetMs(),
                       m_controller->minAccuracy());
    if (level >= 0 && level < static_cast<int>(info.profile.levels.size())) {
        m_subnet->setArch(info.profile.levels[level].arch, level);
    } else {
        m_subnet->setArch({}, -1);
    }
    m_timeSeries->showSnapshot(s, m_controller->options().windowSeconds);
    m_decisions->showDecisions(s.decisions);

    QString rate = tr("level %1 · %2 fps").arg(level).arg(s.fps, 0, 'f', 1);
    if (std::isfinite(s.latencyP50Ms)) {
        rate += tr(" · p50 %1 ms").arg(s.latencyP50Ms, 0, 'f', 2);
    }
    if (std::isfinite(s.powerW)) {
        rate += tr(" · %1 W").arg(s.powerW, 0, 'f', 2);
    }
    if (!s.placement.isEmpty()) {
        rate += tr(" · on %1").arg(s.placement);
    }
    if (!s.loadDescription.isEmpty()) {
        rate += tr(" · load: %1").arg(s.loadDescription);
    }
    if (!m_controller->managerTargetsText().isEmpty()) {
        rate += QStringLiteral(" · ") + m_controller->managerTargetsText();
    }
    m_rate->setText(rate);
}

void MainWindow::modelChanged()
{
    const LiveModelInfo& info = m_controller->modelInfo();
    m_pareto->setModelInfo(info);
    m_subnet->setSpec(info.spec);
    m_video->setClassNames(info.classNames);
    setWindowTitle(tr("dofa dashboard: %1").arg(QFileInfo(info.modelPath).fileName()));
    redraw();
}

QString MainWindow::statusMessage() const
{
    return m_message->text();
}

void MainWindow::platformChanged()
{
    m_simulatedBadge->setVisible(m_controller->isSimulated());
    m_simulatedBadge->setText(m_controller->isSimulated() ? tr(" SIMULATED ") : QString());
    m_rate->setToolTip(m_controller->platformText());
}

void MainWindow::showError(const QString& text)
{
    m_lastError = text;
    m_message->setText(text);
    m_message->setStyleSheet(QStringLiteral("QLabel { color: #b71c1c; }"));
    if (!m_errorPopups) {
        return;
    }
    // Non-modal: a modal box would block the live view (and headless runs).
    if (m_errorBox == nullptr) {
        m_errorBox = new QMessageBox(QMessageBox::Warning, tr("dofa dashboard"), text,
                                     QMessageBox::Ok, this);
        m_errorBox->setAttribute(Qt::WA_DeleteOnClose);
        m_errorBox->setModal(false);
    } else {
        m_errorBox->setText(text);
    }
    m_errorBox->show();
}

bool MainWindow::saveScreenshot(const QString& path)
{
    const QByteArray bytes = pngBytes(grab());
    const QString error =
        bytes.isEmpty() ? tr("cannot encode the screenshot") : saveFile(path, bytes, "screenshot");
    if (!error.isEmpty()) {
        m_message->setText(error);
        return false;
    }
    return true;
}

bool MainWindow::exportChartsPng(const QString& path)
{
    const QByteArray bytes = pngBytes(m_charts->grab());
    const QString error =
        bytes.isEmpty() ? tr("cannot encode the charts") : saveFile(path, bytes, "chart image");
    if (!error.isEmpty()) {
        showError(error);
        return false;
    }
    return true;
}

bool MainWindow::exportChartsSvg(const QString& path)
{
    QByteArray bytes;
    {
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        QSvgGenerator generator;
        generator.setOutputDevice(&buffer);
        generator.setSize(m_charts->size());
        generator.setViewBox(QRect(QPoint(0, 0), m_charts->size()));
        generator.setTitle(tr("dofa dashboard charts"));
        generator.setDescription(m_controller->modelInfo().profilePath);
        QPainter painter(&generator);
        // Vector output: charts are QGraphicsScenes, render paints them without rasterising.
        m_charts->render(&painter);
    }
    const QString error = saveFile(path, bytes, "chart SVG");
    if (!error.isEmpty()) {
        showError(error);
        return false;
    }
    return true;
}

std::unique_ptr<QSettings> MainWindow::settings() const
{
    return DashboardSettings::open(m_controller->options().settingsFile);
}

void MainWindow::restoreSettings()
{
    if (!m_controller->options().restoreSettings) {
        return;
    }
    auto s = settings();
    restoreGeometry(s->value(QStringLiteral("window/geometry")).toByteArray());
    for (QSplitter* splitter : {m_main, m_left, m_charts, m_right}) {
        splitter->restoreState(
            s->value(QStringLiteral("window/splitter/") + splitter->objectName()).toByteArray());
    }
}

void MainWindow::saveSettings()
{
    auto s = settings();
    s->setValue(QStringLiteral("window/geometry"), saveGeometry());
    for (QSplitter* splitter : {m_main, m_left, m_charts, m_right}) {
        s->setValue(QStringLiteral("window/splitter/") + splitter->objectName(),
                    splitter->saveState());
    }
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

}  // namespace dofa
