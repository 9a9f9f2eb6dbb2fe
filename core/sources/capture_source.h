// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <opencv2/videoio.hpp>

#include "sources/frame_source.h"

namespace dofa {

/// How a CaptureSource reads; fields that do not apply to a kind are ignored.
struct CaptureOptions
{
    /// File: pacing in frames per second (0: as fast as next() is called). Camera: the rate
    /// requested from the driver (0: its default). GStreamer: ignored (the pipeline sets it).
    double fps = 0.0;
    bool loop = false;       ///< file only: reopen at the end
    std::int64_t limit = 0;  ///< frames in total before the end of stream; 0: no limit
};

/// Frames from cv::VideoCapture: a V4L2 camera by index, a video file, or a GStreamer
/// pipeline string (the usual way to reach a Jetson CSI camera through nvarguscamerasrc).
/// Frames are BGR as OpenCV delivers them; FrameConverter makes model input of them.
class CaptureSource : public FrameSource
{
public:
    enum class Kind { Camera, File, GStreamer };

    /// Opens /dev/video<index> through V4L2. Throws std::runtime_error, e.g.
    /// "camera 3 (/dev/video3): cannot open: no such device".
    static std::unique_ptr<CaptureSource> openCamera(int index, const CaptureOptions& options = {});

    /// Opens a video file with FFMPEG (any other backend as a fallback). Throws
    /// std::runtime_error, e.g. "file 'x.avi': cannot open: file not found".
    static std::unique_ptr<CaptureSource> openFile(const std::string& path,
                                                   const CaptureOptions& options = {});

    /// Opens a GStreamer pipeline; one that does not end in appsink gets
    /// " ! videoconvert ! appsink" appended. Throws std::runtime_error naming the pipeline and
    /// whether this OpenCV has GStreamer at all.
    static std::unique_ptr<CaptureSource> openGStreamer(const std::string& pipeline,
                                                        const CaptureOptions& options = {});

    /// The pipeline as opened: `pipeline`, with the appsink tail appended when it was missing.
    [[nodiscard]] static std::string completePipeline(const std::string& pipeline);

    /// True when cv::getBuildInformation() reports GStreamer support; `detail` gets its line.
    [[nodiscard]] static bool openCvHasGStreamer(std::string* detail = nullptr);

    bool next(Frame& out) override;
    [[nodiscard]] std::string description() const override;
    [[nodiscard]] bool hasLabels() const override { return false; }
    [[nodiscard]] bool isLive() const override { return m_kind != Kind::File; }

    [[nodiscard]] Kind kind() const { return m_kind; }
    [[nodiscard]] int width() const { return m_width; }
    [[nodiscard]] int height() const { return m_height; }

private:
    CaptureSource(Kind kind, std::string target, const CaptureOptions& options);
    void open();
    void openFileCapture();
    void readGeometry();
    [[nodiscard]] std::string name() const;

    Kind m_kind;
    std::string m_target;  ///< device index, path or complete pipeline
    std::string m_note;    ///< extra for description(), e.g. the appended appsink
    CaptureOptions m_options;
    cv::VideoCapture m_capture;
    int m_width = 0;
    int m_height = 0;
    double m_nativeFps = 0.0;
    bool m_finished = false;
    bool m_decodedAny = false;  ///< since the last (re)open of a file
};

}  // namespace dofa
