// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

#include "image_folder.h"

namespace dofa {

/// An image folder labelled as a model numbers its outputs: class folders (and CSV labels)
/// named as the model's classes take those classes' indices; folders named otherwise, such as
/// ImageNet's wnids (n01440764, ...), are numbered in sorted order as torchvision's ImageFolder
/// does, which equals the model's numbering only with one folder per class, so that is
/// required. `note` (when given) says which rule was used. Throws std::runtime_error naming the
/// folder and the problem.
ImageFolder openImageFolderForModel(const std::string& dir,
                                    const std::vector<std::string>& classNames,
                                    std::string* note = nullptr);

}  // namespace dofa
