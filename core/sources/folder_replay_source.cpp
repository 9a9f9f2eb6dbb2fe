// SPDX-License-Identifier: MIT
#include "sources/folder_replay_source.h"

#include <sstream>
#include <stdexcept>

#include "data/image_loader.h"

namespace dofa {

FolderReplaySource::FolderReplaySource(ImageFolder folder, FolderReplayOptions options)
    : m_folder(std::move(folder)), m_options(options)
{
    if (m_folder.size() == 0)
        throw std::invalid_argument("folder replay '" + m_folder.root() + "': no images");
    if (m_options.limit < 0 || m_options.fps < 0)
        throw std::invalid_argument("folder replay '" + m_folder.root() +
                                    "': limit and fps must be >= 0");
    setPacing(m_options.fps);
}

bool FolderReplaySource::next(Frame& out)
{
    if (m_finished || (m_options.limit > 0 && framesDelivered() >= m_options.limit))
        return false;
    waitForDueTime();
    // At most one pass looking for a decodable image.
    for (std::size_t tries = 0; tries < m_folder.size(); ++tries) {
        const ImageSample& sample = m_folder.samples()[m_position];
        std::string error;
        cv::Mat image = ImageLoader::decode(sample.path, error);
        if (++m_position == m_folder.size()) {
            m_position = 0;
            m_finished = !m_options.loop;
        }
        if (!image.empty()) {
            out.image = std::move(image);
            out.label = static_cast<int>(sample.label);
            stamp(out);
            return true;
        }
        ++m_skipped;
        m_lastSkipped = sample.path + ": " + error;
        if (m_finished)
            return false;
    }
    throw std::runtime_error("folder replay '" + m_folder.root() + "': no image decodes (" +
                             m_lastSkipped + ")");
}

std::string FolderReplaySource::description() const
{
    std::ostringstream s;
    s << "image folder " << m_folder.root() << ", " << m_folder.size() << " images, "
      << m_folder.classes().size() << " classes, labelled";
    if (!m_options.loop)
        s << ", played once";
    if (m_options.limit > 0)
        s << ", limit " << m_options.limit << " frames";
    if (pacingFps() > 0.0)
        s << ", " << pacingFps() << " fps";
    if (m_skipped > 0)
        s << ", " << m_skipped << " skipped (last: " << m_lastSkipped << ")";
    return s.str();
}

}  // namespace dofa
