// SPDX-License-Identifier: MIT
#include "video_view.h"

#include <QPainter>
#include <cmath>

#include "live/live_snapshot.h"
#include "views/frame_image.h"

namespace dofa {

VideoView::VideoView(QWidget* parent) : QWidget(parent)
{
    setMinimumSize(160, 160);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void VideoView::showSnapshot(const LiveSnapshot& s)
{
    if (s.frameIndex != m_frameIndex) {
        m_frameIndex = s.frameIndex;
        m_image = frameToImage(s.frame);
    }
    m_label = s.label;
    m_topClass = s.topClass;
    m_topScore = s.topScore;
    m_runningTop1 = s.runningTop1;
    m_labelledFrames = s.labelledFrames;
    m_fps = s.fps;
    m_framesDone = s.framesDone;
    m_framesDropped = s.framesDropped;
    m_running = s.running;
    update();
}

QString VideoView::className(int index) const
{
    if (index >= 0 && index < m_classNames.size()) {
        return m_classNames[index];
    }
    return index < 0 ? QStringLiteral("-") : QStringLiteral("class %1").arg(index);
}

QStringList VideoView::overlayLines() const
{
    QStringList lines;
    for (int i = 0; i < 3; ++i) {
        if (m_topClass[i] < 0) {
            continue;
        }
        lines << QStringLiteral("%1. %2  %3%")
                     .arg(i + 1)
                     .arg(className(m_topClass[i]))
                     .arg(100.0 * m_topScore[i], 0, 'f', 1);
    }
    if (m_label >= 0) {
        lines << QStringLiteral("truth: %1").arg(className(m_label));
    }
    return lines;
}

void VideoView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), QColor(24, 24, 24));

    const int statusHeight = fontMetrics().height() + 8;
    const QRect imageArea = rect().adjusted(4, statusHeight, -4, -4);
    if (!m_image.isNull()) {
        const QSize scaled = m_image.size().scaled(imageArea.size(), Qt::KeepAspectRatio);
        const QRect target(imageArea.center() - QPoint(scaled.width() / 2, scaled.height() / 2),
                           scaled);
        // Fashion-MNIST frames are 28x28: smoothing would turn them into blur.
        p.setRenderHint(QPainter::SmoothPixmapTransform, m_image.width() > 64);
        p.drawImage(target, m_image);
    } else {
        p.setPen(Qt::lightGray);
        p.drawText(imageArea, Qt::AlignCenter,
                   m_running ? tr("waiting for the first frame") : tr("not running"));
    }

    // Status line: rate, drops and the running top-1 over the labelled frames.
    QString status = QStringLiteral("%1 fps · %2 frames · %3 dropped")
                         .arg(m_fps, 0, 'f', 1)
                         .arg(m_framesDone)
                         .arg(m_framesDropped);
    if (m_labelledFrames > 0 && std::isfinite(m_runningTop1)) {
        status += QStringLiteral(" · top-1 %1% of %2")
                      .arg(m_runningTop1, 0, 'f', 2)
                      .arg(m_labelledFrames);
    }
    p.setPen(Qt::white);
    p.drawText(QRect(6, 4, width() - 12, statusHeight - 4), Qt::AlignLeft | Qt::AlignVCenter,
               status);

    // Overlay box, bottom left, over the frame.
    const QStringList lines = overlayLines();
    if (lines.isEmpty()) {
        return;
    }
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    const int lineHeight = fontMetrics().height() + 2;
    int boxWidth = 0;
    for (const QString& line : lines) {
        boxWidth = std::max(boxWidth, QFontMetrics(bold).horizontalAdvance(line));
    }
    const QRect box(8, height() - 8 - lineHeight * lines.size() - 8, boxWidth + 16,
                    lineHeight * lines.size() + 8);
    p.fillRect(box, QColor(0, 0, 0, 170));
    for (int i = 0; i < lines.size(); ++i) {
        QColor color = Qt::white;
        if (i == 0 && m_label >= 0) {
            color = m_topClass[0] == m_label ? QColor(80, 220, 80) : QColor(240, 70, 70);
        } else if (lines[i].startsWith(QStringLiteral("truth"))) {
            color = QColor(200, 200, 200);
        }
        p.setPen(color);
        p.drawText(box.left() + 8, box.top() + 4 + lineHeight * i + fontMetrics().ascent(),
                   lines[i]);
    }
}

}  // namespace dofa
