// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <QStringList>
#include <QWidget>
#include <array>
#include <cstdint>

namespace dofa {

struct LiveSnapshot;

/// The newest frame with the classification overlay: top-3 labels and scores, the ground
/// truth when the source has labels (green: right, red: wrong), the running top-1, frames per
/// second and dropped frames. Copies what it draws, so it never holds the worker's frame.
class VideoView : public QWidget
{
    Q_OBJECT
public:
    explicit VideoView(QWidget* parent = nullptr);

    void setClassNames(const QStringList& names) { m_classNames = names; }
    /// Takes the frame (converted once per new frame index) and the overlay values; repaints.
    void showSnapshot(const LiveSnapshot& snapshot);

    /// The frame as last converted (null before the first frame), for tests.
    [[nodiscard]] const QImage& shownImage() const { return m_image; }
    /// The overlay's text lines as painted, for tests.
    [[nodiscard]] QStringList overlayLines() const;

    [[nodiscard]] QSize sizeHint() const override { return {320, 320}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    [[nodiscard]] QString className(int index) const;

    QImage m_image;
    QStringList m_classNames;
    std::int64_t m_frameIndex = -1;
    int m_label = -1;
    std::array<int, 3> m_topClass{{-1, -1, -1}};
    std::array<float, 3> m_topScore{{0, 0, 0}};
    double m_runningTop1 = 0;
    std::int64_t m_labelledFrames = 0;
    double m_fps = 0;
    std::int64_t m_framesDone = 0;
    std::int64_t m_framesDropped = 0;
    bool m_running = false;
};

}  // namespace dofa
