// SPDX-License-Identifier: MIT
#include "video_item.h"

#include <QPainter>
#include <cmath>
#include <limits>

#include "kiosk_types.h"
#include "live/dashboard_controller.h"
#include "views/frame_image.h"

namespace dofa {

VideoItem::VideoItem(QQuickItem* parent)
    : QQuickPaintedItem(parent), m_topScore(std::numeric_limits<double>::quiet_NaN())
{
    setOpaquePainting(true);
    setFillColor(Qt::black);
}

void VideoItem::setController(DashboardController* controller)
{
    if (m_controller == controller) {
        return;
    }
    if (m_controller) {
        disconnect(m_controller, nullptr, this, nullptr);
    }
    m_controller = controller;
    if (m_controller) {
        connect(m_controller, &DashboardController::updated, this, &VideoItem::pull);
        pull();
    }
    Q_EMIT controllerChanged();
}

DashboardController* VideoItem::controller() const
{
    return m_controller.data();
}

QObject* VideoItem::controllerObject() const
{
    return m_controller.data();
}

void VideoItem::setControllerObject(QObject* object)
{
    auto* controller = controllerFromQml(object, "VideoFrame.controller");
    setController(controller);
}

QString VideoItem::className(int index) const
{
    const QStringList& names = m_controller->modelInfo().classNames;
    if (index < 0) {
        return {};
    }
    return index < names.size() ? names[index] : tr("class %1").arg(index);
}

void VideoItem::pull()
{
    const LiveSnapshot& s = m_controller->snapshot();
    if (s.frameIndex == m_frameIndex) {
        return;  // same frame as last tick: nothing to convert or repaint
    }
    m_frameIndex = s.frameIndex;
    m_image = frameToImage(s.frame);
    const int top = s.topClass[0];
    m_topLabel = className(top);
    m_topScore = top >= 0 ? double(s.topScore[0]) : std::numeric_limits<double>::quiet_NaN();
    m_truthLabel = className(s.label);
    m_correct = top >= 0 && s.label >= 0 && top == s.label;
    Q_EMIT frameChanged();
    update();
}

void VideoItem::paint(QPainter* painter)
{
    if (m_image.isNull()) {
        return;  // fill colour only
    }
    const QSizeF fitted = QSizeF(m_image.size()).scaled(size(), Qt::KeepAspectRatio);
    const QRectF target((width() - fitted.width()) / 2, (height() - fitted.height()) / 2,
                        fitted.width(), fitted.height());
    // Small dataset frames (28x28) scale up a lot: smooth them rather than show blocks.
    painter->setRenderHint(QPainter::SmoothPixmapTransform, true);
    painter->drawImage(target, m_image);
}

}  // namespace dofa
