// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QSlider;

namespace dofa {

/// One target (latency, power budget or minimum accuracy): a check box that turns it on and
/// off, a slider over the target's range and the value as text. `changed` carries the new
/// target, 0 for "off", at once on every move (the controller takes it on its next frame).
class TargetSlider : public QWidget
{
    Q_OBJECT
public:
    /// `decimals` digits after the point; the slider steps by 10^-decimals of `unit`.
    TargetSlider(const QString& title, const QString& unit, int decimals,
                 QWidget* parent = nullptr);

    /// The slider's range; a range of width 0 (nothing to target) disables the row.
    void setRange(double minimum, double maximum);
    /// Shows `value` (0: off) without emitting `changed`.
    void setValue(double value);
    /// The target as shown, 0 when off.
    [[nodiscard]] double value() const;

    [[nodiscard]] QSlider* slider() const { return m_slider; }
    [[nodiscard]] QCheckBox* enabledBox() const { return m_enabled; }

Q_SIGNALS:
    void changed(double value);

private:
    [[nodiscard]] double sliderValue() const;
    void updateText();

    QCheckBox* m_enabled = nullptr;
    QSlider* m_slider = nullptr;
    QLabel* m_text = nullptr;
    QString m_unit;
    int m_decimals = 2;
    double m_scale = 100;  ///< slider units per unit of the value
};

}  // namespace dofa
