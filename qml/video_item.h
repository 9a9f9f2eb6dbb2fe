// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <QPointer>
#include <QQuickPaintedItem>
#include <QString>
#include <cstdint>

namespace dofa {

class DashboardController;

/// The kiosk's live video: paints the newest frame of the controller's snapshot, scaled to fit,
/// and exposes the classification of that frame for the QML overlay. QML type `VideoFrame`.
///
/// GUI thread only. The frame is converted once per new snapshot frame (on `updated()`); the
/// snapshot's cv::Mat is never written to.
class VideoItem : public QQuickPaintedItem
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VideoItem)
    /// The DashboardController (a QObject here so that this header stays free of core's).
    Q_PROPERTY(QObject* controller READ controllerObject WRITE setControllerObject NOTIFY
                   controllerChanged FINAL)
    /// True once a frame has been painted.
    Q_PROPERTY(bool hasFrame READ hasFrame NOTIFY frameChanged FINAL)
    Q_PROPERTY(QString topLabel READ topLabel NOTIFY frameChanged FINAL)  ///< "" without a result
    Q_PROPERTY(double topScore READ topScore NOTIFY frameChanged FINAL)   ///< 0..1, NaN: none
    /// Ground truth class name, "" when the source has no labels.
    Q_PROPERTY(QString truthLabel READ truthLabel NOTIFY frameChanged FINAL)
    Q_PROPERTY(bool correct READ isCorrect NOTIFY frameChanged FINAL)
    Q_PROPERTY(qint64 frameIndex READ frameIndex NOTIFY frameChanged FINAL)

public:
    explicit VideoItem(QQuickItem* parent = nullptr);

    [[nodiscard]] DashboardController* controller() const;
    void setController(DashboardController* controller);
    [[nodiscard]] QObject* controllerObject() const;
    /// Anything but a DashboardController (or null) is refused with a warning.
    void setControllerObject(QObject* object);

    [[nodiscard]] bool hasFrame() const { return !m_image.isNull(); }
    [[nodiscard]] QString topLabel() const { return m_topLabel; }
    [[nodiscard]] double topScore() const { return m_topScore; }
    [[nodiscard]] QString truthLabel() const { return m_truthLabel; }
    [[nodiscard]] bool isCorrect() const { return m_correct; }
    [[nodiscard]] qint64 frameIndex() const { return m_frameIndex; }

    void paint(QPainter* painter) override;

Q_SIGNALS:
    void controllerChanged();
    void frameChanged();

private:
    void pull();
    [[nodiscard]] QString className(int index) const;

    QPointer<DashboardController> m_controller;
    QImage m_image;
    std::int64_t m_frameIndex = -1;
    QString m_topLabel, m_truthLabel;
    double m_topScore;
    bool m_correct = false;
};

}  // namespace dofa
