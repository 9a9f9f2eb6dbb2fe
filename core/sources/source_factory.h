// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sources/frame_source.h"
#include "sources/source_spec.h"

namespace dofa {

/// Settings shared by every kind of source; each kind uses those that make sense for it.
struct SourceOptions
{
    std::string datasetDir;  ///< Fashion-MNIST directory; empty: FashionMnist::defaultDir()
    double fps = 0.0;        ///< dataset, file: pacing (0: none); camera: requested rate
    bool loop = true;        ///< dataset, file: start over at the end
    std::int64_t limit = 0;  ///< frames in total; 0: no limit
    /// folder: the model's class names, to label the folder as the model numbers its outputs
    /// (openImageFolderForModel); empty: torchvision's sorted order.
    std::vector<std::string> classNames;
};

/// Opens the source `spec` names. Throws std::runtime_error naming the source when it cannot
/// be opened (missing dataset files, no such camera, undecodable file, failed pipeline).
std::unique_ptr<FrameSource> openSource(const SourceSpec& spec, const SourceOptions& options = {});

}  // namespace dofa
