// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>

#include "data/image_folder.h"
#include "sources/frame_source.h"

namespace dofa {

/// How a FolderReplaySource plays its images.
struct FolderReplayOptions
{
    bool loop = true;        ///< start over after the last image
    double fps = 0.0;        ///< pacing; 0: as fast as next() is called
    std::int64_t limit = 0;  ///< frames in total before the end of stream; 0: no limit
};

/// Replays an image folder (ImageFolder: class folders or labels.csv) as full-size BGR frames
/// with their labels, in the folder's order, so that a live run on an ImageNet-style model has
/// a known top-1, as the Fashion-MNIST replay has for the shipped model. Files are decoded as
/// they are played (a folder may hold 50,000 images); one that does not decode is skipped,
/// counted and named in description().
class FolderReplaySource : public FrameSource
{
public:
    /// Throws std::invalid_argument on options out of range.
    FolderReplaySource(ImageFolder folder, FolderReplayOptions options = {});

    /// Throws std::runtime_error naming the folder when no image of a whole pass decodes.
    bool next(Frame& out) override;
    [[nodiscard]] std::string description() const override;
    [[nodiscard]] bool hasLabels() const override { return true; }
    [[nodiscard]] bool isLive() const override { return false; }

    [[nodiscard]] std::int64_t skipped() const { return m_skipped; }

private:
    ImageFolder m_folder;
    FolderReplayOptions m_options;
    std::size_t m_position = 0;
    bool m_finished = false;
    std::int64_t m_skipped = 0;
    std::string m_lastSkipped;  ///< "path: reason" of the newest skipped file
};

}  // namespace dofa
