// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace dofa {

/// Which frame source to open, in the text form used by the CLI (--source) and settings:
///
///   dataset, dataset:test, dataset:train   Fashion-MNIST replay with labels (the default)
///   camera:N, or a bare N                   V4L2 camera /dev/videoN
///   file:PATH, or the path of a file        video file
///   gst:PIPELINE                            GStreamer pipeline (appsink appended if missing)
///   folder:DIR                              image folder replay with labels (class folders or
///                                           labels.csv, as `dofa eval --data`)
struct SourceSpec
{
    enum class Kind { Dataset, Camera, File, GStreamer, Folder };

    Kind kind = Kind::Dataset;
    /// Dataset: "test" or "train"; Camera: the index in decimal; File: the path; GStreamer:
    /// the pipeline; Folder: the directory.
    std::string value = "test";

    /// The camera index (Kind::Camera only).
    [[nodiscard]] int cameraIndex() const;

    /// Throws std::invalid_argument naming `text` and listing the accepted forms.
    static SourceSpec parse(const std::string& text);

    /// The canonical text form; parse(toString()) gives an equal spec.
    [[nodiscard]] std::string toString() const;

    /// The accepted forms, one line, for help texts and error messages.
    static std::string forms();

    bool operator==(const SourceSpec& other) const
    {
        return kind == other.kind && value == other.value;
    }
    bool operator!=(const SourceSpec& other) const { return !(*this == other); }
};

/// `text` without leading and trailing blanks (spaces, tabs, line ends): source texts come from
/// command lines, settings files and GStreamer's own output.
std::string trimmedSourceText(const std::string& text);

}  // namespace dofa
