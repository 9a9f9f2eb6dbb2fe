// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace dofa {

class DashboardController;
class TargetSlider;

/// Everything a person changes: the three targets (each with an "off" state), the policy, the
/// platform, the knobs the platform offers (threads, frequencies where writable), a competing
/// workload, the frame source, the model and profile files, and "Profile this device" when
/// the open profile was measured elsewhere. Every control feeds the controller at once and
/// follows it back (settings restored, changes made elsewhere).
class ControlPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ControlPanel(DashboardController* controller, QWidget* parent = nullptr);

    [[nodiscard]] TargetSlider* latencySlider() const { return m_latency; }
    [[nodiscard]] TargetSlider* powerSlider() const { return m_power; }
    [[nodiscard]] TargetSlider* accuracySlider() const { return m_accuracy; }
    [[nodiscard]] QComboBox* policyBox() const { return m_policy; }
    [[nodiscard]] QPushButton* loadButton() const { return m_load; }
    [[nodiscard]] QPushButton* profileButton() const { return m_profileButton; }
    [[nodiscard]] QProgressBar* profileProgress() const { return m_profileProgress; }
    /// Widgets of the knob panel, one per knob, named after the knob's id.
    [[nodiscard]] QWidget* knobPanel() const { return m_knobBox; }

    /// Source picker: kind 0 dataset, 1 camera, 2 file, 3 GStreamer; applies it.
    void applySource(int kind, const QString& value);

private:
    void syncTargets();
    void syncRanges();
    void syncModel();
    void syncProfiling();
    void syncSource();
    void rebuildKnobs();
    void browseModel();
    void browseProfile();

    DashboardController* m_controller;
    TargetSlider* m_latency = nullptr;
    TargetSlider* m_power = nullptr;
    TargetSlider* m_accuracy = nullptr;
    QComboBox* m_policy = nullptr;
    QComboBox* m_platform = nullptr;
    QSpinBox* m_threads = nullptr;
    QWidget* m_knobBox = nullptr;
    QFormLayout* m_knobLayout = nullptr;
    QPushButton* m_load = nullptr;
    QComboBox* m_sourceKind = nullptr;
    QLineEdit* m_sourceValue = nullptr;
    QLineEdit* m_modelPath = nullptr;
    QLineEdit* m_profilePath = nullptr;
    QLabel* m_deviceText = nullptr;
    QPushButton* m_profileButton = nullptr;
    QPushButton* m_profileCancel = nullptr;
    QProgressBar* m_profileProgress = nullptr;
};

}  // namespace dofa
