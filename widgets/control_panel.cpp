// SPDX-License-Identifier: MIT
#include "control_panel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <limits>

#include "live/dashboard_controller.h"
#include "platform/thread_count_knob.h"
#include "target_slider.h"

namespace dofa {

namespace {

enum SourceKind { kDataset = 0, kCamera = 1, kFile = 2, kGStreamer = 3, kFolder = 4 };
/// Each kind's SourceSpec prefix, in the picker's order.
const char* const kSourcePrefixes[] = {"dataset:", "camera:", "file:", "gst:", "folder:"};

/// Splits a SourceSpec text into the picker's kind and value (see core/sources/source_spec.h).
std::pair<int, QString> splitSource(const QString& text)
{
    const QString t = text.trimmed();
    if (t == QLatin1String("dataset") || t.startsWith(QLatin1String("dataset:"))) {
        return {kDataset, t.mid(8).isEmpty() ? QStringLiteral("test") : t.mid(8)};
    }
    if (t.startsWith(QLatin1String("camera:"))) {
        return {kCamera, t.mid(7)};
    }
    bool number = false;
    t.toInt(&number);
    if (number) {
        return {kCamera, t};
    }
    if (t.startsWith(QLatin1String("gst:"))) {
        return {kGStreamer, t.mid(4)};
    }
    if (t.startsWith(QLatin1String("file:"))) {
        return {kFile, t.mid(5)};
    }
    if (t.startsWith(QLatin1String("folder:"))) {
        return {kFolder, t.mid(7)};
    }
    return {kFile, t};
}

}  // namespace

ControlPanel::ControlPanel(DashboardController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller)
{
    auto* layout = new QVBoxLayout(this);

    // Targets.
    auto* targets = new QGroupBox(tr("Targets"), this);
    auto* targetLayout = new QVBoxLayout(targets);
    m_latency = new TargetSlider(tr("latency"), QStringLiteral("ms"), 2, targets);
    m_power = new TargetSlider(tr("power"), QStringLiteral("W"), 2, targets);
    m_accuracy = new TargetSlider(tr("min top-1"), QStringLiteral("%"), 2, targets);
    targetLayout->addWidget(m_latency);
    targetLayout->addWidget(m_power);
    targetLayout->addWidget(m_accuracy);
    m_policy = new QComboBox(targets);
    m_policy->addItems(DashboardController::policies());
    m_platform = new QComboBox(targets);
    m_platform->addItems(
        {QStringLiteral("discover"), QStringLiteral("simulated"), QStringLiteral("none")});
    m_platform->setToolTip(
        tr("discover: this machine's sensors and knobs; simulated: the "
           "SIMULATED board; none: no sensors or knobs"));
    auto* policyRow = new QFormLayout();
    policyRow->addRow(tr("policy"), m_policy);
    policyRow->addRow(tr("platform"), m_platform);
    targetLayout->addLayout(policyRow);
    layout->addWidget(targets);

    connect(m_latency, &TargetSlider::changed, controller,
            &DashboardController::setLatencyTargetMs);
    connect(m_power, &TargetSlider::changed, controller, &DashboardController::setPowerBudgetW);
    connect(m_accuracy, &TargetSlider::changed, controller, &DashboardController::setMinAccuracy);
    connect(m_policy, &QComboBox::textActivated, controller, &DashboardController::setPolicy);
    connect(m_platform, &QComboBox::textActivated, controller, &DashboardController::setPlatform);

    // Knobs and the competing workload.
    auto* knobs = new QGroupBox(tr("Knobs"), this);
    auto* knobsLayout = new QVBoxLayout(knobs);
    auto* threadsRow = new QFormLayout();
    m_threads = new QSpinBox(knobs);
    m_threads->setRange(1, 64);
    threadsRow->addRow(tr("inference threads"), m_threads);
    knobsLayout->addLayout(threadsRow);
    m_knobBox = new QWidget(knobs);
    m_knobLayout = new QFormLayout(m_knobBox);
    m_knobLayout->setContentsMargins(0, 0, 0, 0);
    m_knobLayout->setRowWrapPolicy(QFormLayout::WrapLongRows);
    knobsLayout->addWidget(m_knobBox);
    m_load = new QPushButton(tr("Start competing workload"), knobs);
    m_load->setCheckable(true);
    m_load->setToolTip(tr("two busy threads on the CPU, competing with inference"));
    knobsLayout->addWidget(m_load);
    layout->addWidget(knobs);

    connect(m_threads, qOverload<int>(&QSpinBox::valueChanged), controller,
            &DashboardController::setThreads);
    connect(m_load, &QPushButton::clicked, this, [this](bool on) {
        if (on) {
            m_controller->startLoad(2);
        } else {
            m_controller->stopLoad();
        }
    });

    // Source.
    auto* source = new QGroupBox(tr("Source"), this);
    auto* sourceLayout = new QHBoxLayout(source);
    m_sourceKind = new QComboBox(source);
    m_sourceKind->addItems({tr("dataset replay"), tr("camera index"), tr("video file"),
                            tr("GStreamer pipeline"), tr("image folder")});
    m_sourceValue = new QLineEdit(source);
    m_sourceValue->setPlaceholderText(tr("test | 0 | path | pipeline | folder"));
    auto* browseSource = new QPushButton(tr("…"), source);
    browseSource->setToolTip(tr("pick a video file, or an image folder"));
    auto* applySourceButton = new QPushButton(tr("Open"), source);
    sourceLayout->addWidget(m_sourceKind);
    sourceLayout->addWidget(m_sourceValue, 1);
    sourceLayout->addWidget(browseSource);
    sourceLayout->addWidget(applySourceButton);
    layout->addWidget(source);

    connect(m_sourceKind, qOverload<int>(&QComboBox::activated), this, [this](int kind) {
        static const char* defaults[] = {"test", "0", "", "videotestsrc ! videoconvert", ""};
        m_sourceValue->setText(QString::fromLatin1(defaults[kind]));
    });
    connect(browseSource, &QPushButton::clicked, this, [this] {
        const bool folder = m_sourceKind->currentIndex() == kFolder;
        const QString path = folder ? QFileDialog::getExistingDirectory(this, tr("Image folder"))
                                    : QFileDialog::getOpenFileName(this, tr("Video file"));
        if (!path.isEmpty()) {
            applySource(folder ? kFolder : kFile, path);
        }
    });
    auto apply = [this] { applySource(m_sourceKind->currentIndex(), m_sourceValue->text()); };
    connect(applySourceButton, &QPushButton::clicked, this, apply);
    connect(m_sourceValue, &QLineEdit::returnPressed, this, apply);

    // Model and profile.
    auto* model = new QGroupBox(tr("Model and profile"), this);
    auto* modelLayout = new QFormLayout(model);
    m_modelPath = new QLineEdit(model);
    m_profilePath = new QLineEdit(model);
    auto fileRow = [model](QLineEdit* edit) {
        auto* row = new QWidget(model);
        auto* rowLayout = new QHBoxLayout(row);
        rowLayout->setContentsMargins(0, 0, 0, 0);
        rowLayout->addWidget(edit, 1);
        auto* browse = new QPushButton(QStringLiteral("…"), row);
        rowLayout->addWidget(browse);
        return std::make_pair(row, browse);
    };
    auto [modelRow, modelBrowse] = fileRow(m_modelPath);
    auto [profileRow, profileBrowse] = fileRow(m_profilePath);
    modelLayout->addRow(tr("model"), modelRow);
    modelLayout->addRow(tr("profile"), profileRow);
    auto* openModel = new QPushButton(tr("Open model and profile"), model);
    modelLayout->addRow(openModel);
    m_deviceText = new QLabel(model);
    m_deviceText->setWordWrap(true);
    modelLayout->addRow(m_deviceText);
    m_profileButton = new QPushButton(tr("Profile this device"), model);
    m_profileButton->setToolTip(
        tr("measure the profile's candidates on this machine and pick "
           "new levels (accuracy is reused)"));
    m_profileCancel = new QPushButton(tr("Cancel"), model);
    m_profileProgress = new QProgressBar(model);
    m_profileProgress->setRange(0, 1000);
    auto* profileLine = new QHBoxLayout();
    profileLine->addWidget(m_profileButton);
    profileLine->addWidget(m_profileProgress, 1);
    profileLine->addWidget(m_profileCancel);
    modelLayout->addRow(profileLine);
    layout->addWidget(model);
    layout->addStretch(1);

    connect(modelBrowse, &QPushButton::clicked, this, &ControlPanel::browseModel);
    connect(profileBrowse, &QPushButton::clicked, this, &ControlPanel::browseProfile);
    connect(openModel, &QPushButton::clicked, this, [this] {
        m_controller->openModel(m_modelPath->text().trimmed(), m_profilePath->text().trimmed());
    });
    connect(m_profileButton, &QPushButton::clicked, controller,
            &DashboardController::profileDevice);
    connect(m_profileCancel, &QPushButton::clicked, controller,
            &DashboardController::cancelProfiling);

    // Follow the controller back.
    connect(controller, &DashboardController::targetsChanged, this, &ControlPanel::syncTargets);
    connect(controller, &DashboardController::modelChanged, this, &ControlPanel::syncModel);
    connect(controller, &DashboardController::powerRangeChanged, this, &ControlPanel::syncRanges);
    connect(controller, &DashboardController::policyChanged, this, [this] {
        const QSignalBlocker block(m_policy);
        m_policy->setCurrentText(m_controller->policy());
    });
    connect(controller, &DashboardController::threadsChanged, this, [this] {
        const QSignalBlocker block(m_threads);
        m_threads->setValue(m_controller->threads());
    });
    connect(controller, &DashboardController::loadChanged, this, [this] {
        const QSignalBlocker block(m_load);
        m_load->setChecked(m_controller->loadActive());
        m_load->setText(m_controller->loadActive() ? tr("Stop competing workload")
                                                   : tr("Start competing workload"));
    });
    connect(controller, &DashboardController::knobsChanged, this, &ControlPanel::rebuildKnobs);
    connect(controller, &DashboardController::sourceChanged, this, &ControlPanel::syncSource);
    connect(controller, &DashboardController::profilingChanged, this, &ControlPanel::syncProfiling);

    {
        const QSignalBlocker blockPolicy(m_policy);
        const QSignalBlocker blockPlatform(m_platform);
        const QSignalBlocker blockThreads(m_threads);
        m_policy->setCurrentText(controller->policy());
        m_platform->setCurrentText(controller->options().platform);
        m_threads->setValue(controller->threads());
        m_load->setChecked(controller->loadActive());
    }
    syncModel();
    syncSource();
    rebuildKnobs();
}

void ControlPanel::applySource(int kind, const QString& value)
{
    const QString v = value.trimmed();
    m_controller->setSource(
        QString::fromLatin1(kSourcePrefixes[std::clamp(kind, 0, int{kFolder})]) +
        (kind == kDataset && v.isEmpty() ? QStringLiteral("test") : v));
}

void ControlPanel::syncTargets()
{
    m_latency->setValue(m_controller->latencyTargetMs());
    m_power->setValue(m_controller->powerBudgetW());
    m_accuracy->setValue(m_controller->minAccuracy());
}

void ControlPanel::syncRanges()
{
    m_latency->setRange(0.01, m_controller->latencyMaxMs());
    // Without power data the range is a generic 20 W; it grows with the readings.
    m_power->setRange(0.01, std::max(0.01, m_controller->powerMaxW()));
    m_accuracy->setRange(m_controller->accuracyMin(), m_controller->accuracyMax());
}

void ControlPanel::syncModel()
{
    syncRanges();
    syncTargets();
    const LiveModelInfo& info = m_controller->modelInfo();
    m_modelPath->setText(info.modelPath);
    m_profilePath->setText(info.profilePath);
    m_deviceText->setText(info.deviceText);
    syncProfiling();
}

void ControlPanel::syncProfiling()
{
    const bool profiling = m_controller->isProfiling();
    const bool mismatch = !m_controller->modelInfo().profileMatchesDevice;
    m_profileButton->setVisible(mismatch || profiling);
    m_profileButton->setEnabled(!profiling);
    m_profileProgress->setVisible(profiling || mismatch);
    m_profileProgress->setValue(static_cast<int>(m_controller->profilingProgress() * 1000));
    m_profileCancel->setVisible(profiling);
}

void ControlPanel::syncSource()
{
    const auto [kind, value] = splitSource(m_controller->source());
    m_sourceKind->setCurrentIndex(kind);
    m_sourceValue->setText(value);
}

void ControlPanel::rebuildKnobs()
{
    while (m_knobLayout->rowCount() > 0) {
        m_knobLayout->removeRow(0);
    }
    int rows = 0;
    for (const LiveKnob& knob : m_controller->knobs()) {
        if (knob.id == QLatin1String(ThreadCountKnob::kId)) {
            continue;  // the "inference threads" box above is this knob (and picks the profile)
        }
        ++rows;
        QString label = knob.description.isEmpty() ? knob.id : knob.description;
        if (knob.simulated && !label.contains(QStringLiteral("SIMULATED"))) {
            label += tr(" (SIMULATED)");
        }
        QWidget* editor = nullptr;
        const QString id = knob.id;
        if (knob.isText && knob.choices.isEmpty()) {
            // Free text, such as the inference thread's CPU list ("0-1,3").
            auto* line = new QLineEdit(knob.text, m_knobBox);
            connect(line, &QLineEdit::editingFinished, this,
                    [this, id, line] { m_controller->setKnobText(id, line->text().trimmed()); });
            editor = line;
        } else if (knob.isText) {
            // A governor: its words, the current one selected (added when the kernel reports
            // one the choices file does not list).
            auto* box = new QComboBox(m_knobBox);
            box->addItems(knob.choices);
            if (!knob.text.isEmpty() && !knob.choices.contains(knob.text)) {
                box->addItem(knob.text);
            }
            box->setCurrentText(knob.text);
            connect(box, qOverload<int>(&QComboBox::activated), this,
                    [this, id, box](int i) { m_controller->setKnobText(id, box->itemText(i)); });
            editor = box;
        } else if (!knob.allowed.isEmpty()) {
            auto* box = new QComboBox(m_knobBox);
            for (qint64 v : knob.allowed) {
                box->addItem(QStringLiteral("%1 %2").arg(v).arg(knob.unit), v);
            }
            box->setCurrentIndex(std::max(0, static_cast<int>(knob.allowed.indexOf(knob.value))));
            connect(box, qOverload<int>(&QComboBox::activated), this, [this, id, box](int i) {
                m_controller->setKnob(id, box->itemData(i).toLongLong());
            });
            editor = box;
        } else {
            auto* spin = new QSpinBox(m_knobBox);
            spin->setRange(0, std::numeric_limits<int>::max());
            spin->setValue(static_cast<int>(knob.value));
            spin->setSuffix(knob.unit.isEmpty() ? QString() : QLatin1Char(' ') + knob.unit);
            connect(spin, &QSpinBox::editingFinished, this,
                    [this, id, spin] { m_controller->setKnob(id, spin->value()); });
            editor = spin;
        }
        editor->setObjectName(knob.id);
        editor->setEnabled(knob.writable);
        editor->setToolTip(knob.writable ? knob.id : tr("%1: read-only here").arg(knob.id));
        m_knobLayout->addRow(label, editor);
    }
    if (rows == 0) {
        m_knobLayout->addRow(new QLabel(tr("no other knobs on this platform"), m_knobBox));
    }
}

void ControlPanel::browseModel()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Model"), m_modelPath->text(),
                                                      tr("dofa models (*.dofa);;all (*)"));
    if (!path.isEmpty()) {
        m_modelPath->setText(path);
    }
}

void ControlPanel::browseProfile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Profile"), m_profilePath->text(),
                                                      tr("profiles (*.json);;all (*)"));
    if (!path.isEmpty()) {
        m_profilePath->setText(path);
    }
}

}  // namespace dofa
