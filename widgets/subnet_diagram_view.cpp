// SPDX-License-Identifier: MIT
#include "subnet_diagram_view.h"

#include <QPainter>
#include <algorithm>

namespace dofa {

namespace {

/// One hue per stage, so that a block's stage reads at a glance.
QColor stageColor(int stage)
{
    static const QColor colors[] = {QColor(66, 133, 244), QColor(52, 168, 83),
                                    QColor(251, 188, 5),  QColor(234, 67, 53),
                                    QColor(171, 71, 188), QColor(0, 172, 193)};
    return colors[stage % 6];
}

}  // namespace

SubnetDiagramView::SubnetDiagramView(QWidget* parent) : QWidget(parent)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

void SubnetDiagramView::setSpec(const SupernetSpec& spec)
{
    m_spec = spec;
    m_arch = {};
    m_level = -1;
    m_macs = m_params = 0;
    update();
}

void SubnetDiagramView::setArch(const SubnetArch& arch, int level)
{
    if (arch == m_arch && level == m_level) {
        return;
    }
    m_arch = arch;
    m_level = level;
    const bool valid = !arch.ks.empty() && arch.validate(m_spec).empty();
    m_macs = valid ? arch.macs(m_spec) : 0;
    m_params = valid ? arch.params(m_spec) : 0;
    update();
}

QString SubnetDiagramView::headerText() const
{
    if (m_arch.ks.empty()) {
        return tr("no level running");
    }
    return tr("level %1 · %2×%2 input · %3 M MACs · %4 k params")
        .arg(m_level)
        .arg(m_arch.r)
        .arg(m_macs / 1e6, 0, 'f', 2)
        .arg(m_params / 1e3, 0, 'f', 1);
}

double SubnetDiagramView::columnWidth() const
{
    return (width() - 16.0) / (m_spec.numStages() + 1);
}

QStringList SubnetDiagramView::captions() const
{
    // Longest form first; OFA's five stages in a narrow dock need the short ones.
    const QFontMetrics fm = fontMetrics();
    const double room = columnWidth() - 2;
    auto fit = [&](const QStringList& forms) {
        for (const QString& f : forms) {
            if (fm.horizontalAdvance(f) <= room) {
                return f;
            }
        }
        return fm.elidedText(forms.back(), Qt::ElideRight, static_cast<int>(room));
    };
    QStringList out;
    out << fit({tr("input"), QString()})
        << fit({QStringLiteral("%1×%1").arg(m_arch.r), QString::number(m_arch.r)});
    for (int s = 0; s < m_spec.numStages(); ++s) {
        const int d = s < static_cast<int>(m_arch.d.size()) ? m_arch.d[s] : 0;
        const int w = m_spec.stages[static_cast<size_t>(s)].width;
        out << fit({tr("stage %1").arg(s), tr("s%1").arg(s)})
            << fit({tr("d%1 · %2 ch").arg(d).arg(w), tr("d%1 %2ch").arg(d).arg(w),
                    tr("d%1").arg(d)});
    }
    return out;
}

void SubnetDiagramView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics fm = fontMetrics();
    const int line = fm.height();

    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QRect(8, 4, width() - 16, line + 2), Qt::AlignLeft | Qt::AlignVCenter, headerText());
    p.setFont(font());
    if (m_arch.ks.empty() || m_spec.numStages() == 0 ||
        static_cast<int>(m_arch.ks.size()) != m_spec.numElasticBlocks()) {
        return;
    }
    p.drawText(QRect(8, 6 + line, width() - 16, line + 2), Qt::AlignLeft | Qt::AlignVCenter,
               QString::fromStdString(m_arch.toString()));

    // Columns: the input (its side encodes the resolution), then one column per stage.
    const int top = 12 + 4 * line;  // header, arch, two caption lines
    const int bottom = height() - 6;
    const double columnWidth = this->columnWidth();
    const QStringList caption = captions();
    const int depth = m_spec.maxDepth();
    const double slotHeight = (bottom - top) / static_cast<double>(std::max(1, depth));

    // Input square, scaled against the largest resolution of the spec.
    const int maxR = m_spec.resolutions.empty() ? m_arch.r : m_spec.resolutions.back();
    const double side =
        std::min(columnWidth, slotHeight * depth) * 0.8 * m_arch.r / std::max(1, maxR);
    const QRectF input(8 + (columnWidth - side) / 2, top, side, side);
    p.setPen(QPen(Qt::darkGray, 1));
    p.setBrush(QColor(220, 220, 220));
    p.drawRect(input);
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QRectF(8, top - 2 * line - 2, columnWidth, line), Qt::AlignCenter, caption[0]);
    p.drawText(QRectF(8, top - line - 2, columnWidth, line), Qt::AlignCenter, caption[1]);

    const int maxK = std::max(1, m_spec.maxKernel());
    const int maxE = std::max(1, m_spec.maxExpand());
    for (int s = 0; s < m_spec.numStages(); ++s) {
        const double x0 = 8 + columnWidth * (s + 1);
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRectF(x0, top - 2 * line - 2, columnWidth, line), Qt::AlignCenter,
                   caption[2 * (s + 1)]);
        p.drawText(QRectF(x0, top - line - 2, columnWidth, line), Qt::AlignCenter,
                   caption[2 * (s + 1) + 1]);
        for (int b = 0; b < depth; ++b) {
            const int block = s * depth + b;
            const QRectF slot(x0 + 3, top + slotHeight * b + 2, columnWidth - 6, slotHeight - 4);
            if (!m_arch.isActive(m_spec, block)) {
                p.setPen(QPen(QColor(190, 190, 190), 1, Qt::DashLine));
                p.setBrush(QColor(235, 235, 235));
                p.drawRoundedRect(slot.adjusted(slot.width() * 0.3, slot.height() * 0.3,
                                                -slot.width() * 0.3, -slot.height() * 0.3),
                                  3, 3);
                continue;
            }
            const int k = m_arch.ks[block];
            const int e = m_arch.e[block];
            // Width by kernel size, height by expand ratio, both against the spec's largest.
            const double w = slot.width() * (0.35 + 0.65 * k / maxK);
            const double h = slot.height() * (0.35 + 0.65 * e / maxE);
            const QRectF box(slot.center().x() - w / 2, slot.center().y() - h / 2, w, h);
            p.setPen(QPen(stageColor(s).darker(140), 1.5));
            p.setBrush(stageColor(s).lighter(115));
            p.drawRoundedRect(box, 4, 4);
            p.setPen(Qt::black);
            p.drawText(box, Qt::AlignCenter, QStringLiteral("k%1 e%2").arg(k).arg(e));
        }
    }
}

}  // namespace dofa
