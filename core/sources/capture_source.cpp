// SPDX-License-Identifier: MIT
#include "sources/capture_source.h"

#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <opencv2/core.hpp>
#include <opencv2/videoio/registry.hpp>

#include "sources/source_spec.h"
#include <unistd.h>

namespace dofa {

namespace fs = std::filesystem;

namespace {

const char* const kAppsinkTail = " ! videoconvert ! appsink";

std::string cameraDevice(int index)
{
    return "/dev/video" + std::to_string(index);
}

// cv::VideoCapture::open reports failure by return value, but some backends throw from
// inside; both must end up as one message naming the source.
bool openCapture(cv::VideoCapture& capture, const std::string& what, int api, std::string* error)
{
    try {
        return capture.open(what, api);
    } catch (const cv::Exception& e) {
        *error = e.what();
        return false;
    }
}

}  // namespace

CaptureSource::CaptureSource(Kind kind, std::string target, const CaptureOptions& options)
    : m_kind(kind), m_target(std::move(target)), m_options(options)
{
    if (m_options.limit < 0) {
        throw std::invalid_argument(name() + ": limit must be >= 0 (0: no limit), got " +
                                    std::to_string(m_options.limit));
    }
    if (!(m_options.fps >= 0.0)) {
        throw std::invalid_argument(name() + ": fps must be >= 0, got " +
                                    std::to_string(m_options.fps));
    }
    // Only a file is replayed at a chosen rate; live sources run at their own.
    setPacing(m_kind == Kind::File ? m_options.fps : 0.0);
}

std::unique_ptr<CaptureSource> CaptureSource::openCamera(int index, const CaptureOptions& options)
{
    if (index < 0) {
        throw std::invalid_argument("camera " + std::to_string(index) + ": the index must be >= 0");
    }
    std::unique_ptr<CaptureSource> source(
        new CaptureSource(Kind::Camera, std::to_string(index), options));
    source->open();
    return source;
}

std::unique_ptr<CaptureSource> CaptureSource::openFile(const std::string& path,
                                                       const CaptureOptions& options)
{
    std::unique_ptr<CaptureSource> source(new CaptureSource(Kind::File, path, options));
    source->open();
    return source;
}

std::unique_ptr<CaptureSource> CaptureSource::openGStreamer(const std::string& pipeline,
                                                            const CaptureOptions& options)
{
    const std::string complete = completePipeline(pipeline);
    std::unique_ptr<CaptureSource> source(new CaptureSource(Kind::GStreamer, complete, options));
    if (complete != trimmedSourceText(pipeline)) {
        source->m_note = std::string("appended '") + kAppsinkTail + "'";
    }
    source->open();
    return source;
}

std::string CaptureSource::completePipeline(const std::string& pipeline)
{
    const std::string p = trimmedSourceText(pipeline);
    if (p.empty()) {
        throw std::invalid_argument("GStreamer pipeline: empty");
    }
    // OpenCV pulls frames from an appsink; the last element decides whether there is one.
    const auto bang = p.rfind('!');
    const std::string last = trimmedSourceText(bang == std::string::npos ? p : p.substr(bang + 1));
    const std::string element = last.substr(0, last.find_first_of(" \t"));
    return element == "appsink" ? p : p + kAppsinkTail;
}

bool CaptureSource::openCvHasGStreamer(std::string* detail)
{
    if (detail) {
        std::istringstream info(cv::getBuildInformation());
        std::string line;
        *detail = "no GStreamer line at all";
        while (std::getline(info, line)) {
            const std::string t = trimmedSourceText(line);
            if (t.rfind("GStreamer:", 0) == 0) {
                // The table pads with runs of spaces; one is enough inside a message.
                detail->clear();
                for (char c : t) {
                    if (c != ' ' || detail->empty() || detail->back() != ' ') {
                        *detail += c;
                    }
                }
                break;
            }
        }
    }
    // The registry is what open() consults, so it is the answer; the build line explains it.
    return cv::videoio_registry::hasBackend(cv::CAP_GSTREAMER);
}

std::string CaptureSource::name() const
{
    switch (m_kind) {
        case Kind::Camera:
            return "camera " + m_target + " (" + cameraDevice(std::stoi(m_target)) + ")";
        case Kind::File:
            return "file '" + m_target + "'";
        case Kind::GStreamer:
            return "GStreamer pipeline '" + m_target + "'";
    }
    return m_target;
}

void CaptureSource::open()
{
    const std::string who = name();
    std::string error;
    switch (m_kind) {
        case Kind::Camera: {
            // V4L2 only says "can't open camera by index"; the device node tells why.
            const std::string device = cameraDevice(std::stoi(m_target));
            std::error_code ec;
            const auto status = fs::status(device, ec);
            if (!fs::exists(status)) {
                throw std::runtime_error(who + ": cannot open: no such device");
            }
            if (!fs::is_character_file(status)) {
                throw std::runtime_error(who + ": cannot open: not a video device");
            }
            if (::access(device.c_str(), R_OK | W_OK) != 0) {
                throw std::runtime_error(who +
                                         ": cannot open: permission denied (is the user in the "
                                         "'video' group?)");
            }
            if (!cv::videoio_registry::hasBackend(cv::CAP_V4L2)) {
                throw std::runtime_error(who + ": cannot open: this OpenCV has no V4L2 backend");
            }
            bool opened = false;
            try {
                opened = m_capture.open(std::stoi(m_target), cv::CAP_V4L2);
            } catch (const cv::Exception& e) {
                error = e.what();
            }
            if (!opened) {
                throw std::runtime_error(
                    who + ": cannot open: " +
                    (error.empty() ? "the device is busy or does not capture video" : error));
            }
            if (m_options.fps > 0.0) {
                m_capture.set(cv::CAP_PROP_FPS, m_options.fps);  // a request; drivers may round it
            }
            break;
        }
        case Kind::File: {
            std::error_code ec;
            const auto status = fs::status(m_target, ec);
            if (!fs::exists(status)) {
                throw std::runtime_error(who + ": cannot open: file not found");
            }
            if (fs::is_directory(status)) {
                throw std::runtime_error(who + ": cannot open: is a directory");
            }
            if (::access(m_target.c_str(), R_OK) != 0) {
                throw std::runtime_error(who + ": cannot open: permission denied");
            }
            openFileCapture();
            break;
        }
        case Kind::GStreamer: {
            std::string buildLine;
            if (!openCvHasGStreamer(&buildLine)) {
                throw std::runtime_error(who +
                                         ": cannot open (this OpenCV build has no GStreamer: "
                                         "cv::getBuildInformation says '" +
                                         buildLine + "')");
            }
            if (!openCapture(m_capture, m_target, cv::CAP_GSTREAMER, &error)) {
                throw std::runtime_error(
                    who + ": cannot open (the pipeline did not start" +
                    (error.empty() ? std::string() : ": " + error) +
                    "; check element names and caps with gst-launch-1.0; cv::getBuildInformation "
                    "says '" +
                    buildLine + "')");
            }
            break;
        }
    }
    readGeometry();
}

void CaptureSource::openFileCapture()
{
    std::string error;
    // FFMPEG decodes the common containers without probing every backend (quieter, faster);
    // the fallback serves builds without it, such as some Jetson OpenCV builds with GStreamer.
    const bool hasFfmpeg = cv::videoio_registry::hasBackend(cv::CAP_FFMPEG);
    if (hasFfmpeg && openCapture(m_capture, m_target, cv::CAP_FFMPEG, &error)) {
        return;
    }
    if (openCapture(m_capture, m_target, cv::CAP_ANY, &error)) {
        return;
    }
    throw std::runtime_error(name() + ": cannot open: not a video OpenCV can decode (tried " +
                             (hasFfmpeg ? "FFMPEG, then every backend" : "every backend") +
                             (error.empty() ? std::string() : "; " + error) + ")");
}

void CaptureSource::readGeometry()
{
    m_width = static_cast<int>(m_capture.get(cv::CAP_PROP_FRAME_WIDTH));
    m_height = static_cast<int>(m_capture.get(cv::CAP_PROP_FRAME_HEIGHT));
    const double fps = m_capture.get(cv::CAP_PROP_FPS);
    m_nativeFps = std::isfinite(fps) && fps > 0.0 ? fps : 0.0;
    m_decodedAny = false;
}

bool CaptureSource::next(Frame& out)
{
    if (m_finished || (m_options.limit > 0 && framesDelivered() >= m_options.limit)) {
        return false;
    }
    waitForDueTime();

    cv::Mat image;
    const auto read = [&] {
        try {
            return m_capture.read(image) && !image.empty();
        } catch (const cv::Exception& e) {
            throw std::runtime_error(name() + ": read error: " + e.what());
        }
    };
    bool ok = read();
    if (!ok && m_kind == Kind::File) {
        if (!m_decodedAny) {
            throw std::runtime_error(name() +
                                     ": read error: opened, but no frame could be decoded");
        }
        if (m_options.loop) {
            // Reopening is reliable where seeking to frame 0 is not (MJPG in AVI, some MP4s).
            m_capture.release();
            openFileCapture();
            readGeometry();
            ok = read();
        }
    }
    if (!ok) {
        // For live sources an empty frame after opening is how the stream ends (EOS, unplug).
        m_finished = true;
        return false;
    }
    m_decodedAny = true;
    m_width = image.cols;
    m_height = image.rows;
    // A Mat that does not own its pixels points into a backend buffer the next read reuses.
    out.image = image.u ? image : image.clone();
    out.label = -1;
    stamp(out);
    return true;
}

std::string CaptureSource::description() const
{
    std::ostringstream s;
    switch (m_kind) {
        case Kind::Camera:
            s << "camera " << m_target << " (V4L2, " << m_width << "x" << m_height;
            if (m_nativeFps > 0.0) {
                s << ", " << m_nativeFps << " fps";
            }
            s << ")";
            break;
        case Kind::File: {
            s << "file '" << m_target << "' (" << m_width << "x" << m_height;
            if (m_nativeFps > 0.0) {
                s << ", " << m_nativeFps << " fps";
            }
            const double count = m_capture.isOpened() ? m_capture.get(cv::CAP_PROP_FRAME_COUNT) : 0;
            if (std::isfinite(count) && count > 0) {
                s << ", " << static_cast<std::int64_t>(count) << " frames";
            }
            s << ")";
            if (m_options.loop) {
                s << ", looping";
            }
            if (pacingFps() > 0.0) {
                s << ", paced at " << pacingFps() << " fps";
            }
            break;
        }
        case Kind::GStreamer:
            s << "GStreamer pipeline '" << m_target << "' (" << m_width << "x" << m_height << ")";
            if (!m_note.empty()) {
                s << ", " << m_note;
            }
            break;
    }
    if (m_options.limit > 0) {
        s << ", limit " << m_options.limit << " frames";
    }
    return s.str();
}

}  // namespace dofa
