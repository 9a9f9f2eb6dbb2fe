// SPDX-License-Identifier: MIT
#include "target_slider.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <cmath>

namespace dofa {

TargetSlider::TargetSlider(const QString& title, const QString& unit, int decimals, QWidget* parent)
    : QWidget(parent), m_unit(unit), m_decimals(decimals), m_scale(std::pow(10.0, decimals))
{
    m_enabled = new QCheckBox(title, this);
    m_slider = new QSlider(Qt::Horizontal, this);
    m_text = new QLabel(this);
    m_text->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("0000.00 ms")));
    m_text->setAlignment(Qt::AlignRight | Qt::AlignVCenter);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_enabled);
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_text);

    connect(m_slider, &QSlider::valueChanged, this, [this] {
        // Moving the slider means "this target": turn it on without a second click.
        if (!m_enabled->isChecked()) {
            const QSignalBlocker block(m_enabled);
            m_enabled->setChecked(true);
        }
        updateText();
        Q_EMIT changed(value());
    });
    connect(m_enabled, &QCheckBox::toggled, this, [this] {
        updateText();
        Q_EMIT changed(value());
    });
    updateText();
}

void TargetSlider::setRange(double minimum, double maximum)
{
    const QSignalBlocker block(m_slider);
    m_slider->setRange(static_cast<int>(std::lround(minimum * m_scale)),
                       static_cast<int>(std::lround(maximum * m_scale)));
    m_slider->setSingleStep(1);
    m_slider->setPageStep(std::max(1, (m_slider->maximum() - m_slider->minimum()) / 20));
    setEnabled(m_slider->maximum() > m_slider->minimum());
    updateText();
}

void TargetSlider::setValue(double value)
{
    const QSignalBlocker blockSlider(m_slider);
    const QSignalBlocker blockBox(m_enabled);
    const bool on = std::isfinite(value) && value > 0;
    m_enabled->setChecked(on);
    if (on) {
        m_slider->setValue(static_cast<int>(std::lround(value * m_scale)));
    }
    updateText();
}

double TargetSlider::sliderValue() const
{
    return m_slider->value() / m_scale;
}

double TargetSlider::value() const
{
    return m_enabled->isChecked() ? sliderValue() : 0.0;
}

void TargetSlider::updateText()
{
    m_text->setText(m_enabled->isChecked()
                        ? QStringLiteral("%1 %2").arg(sliderValue(), 0, 'f', m_decimals).arg(m_unit)
                        : tr("off"));
    m_slider->setToolTip(isEnabled() ? QString() : tr("nothing to target on this device"));
}

}  // namespace dofa
