// SPDX-License-Identifier: MIT
#include "model_image_folder.h"

#include <stdexcept>

namespace dofa {

ImageFolder openImageFolderForModel(const std::string& dir,
                                    const std::vector<std::string>& classNames, std::string* note)
{
    try {
        ImageFolder folder = ImageFolder::open(dir, classNames);
        if (note)
            *note = dir + ": labelled by the model's class names";
        return folder;
    } catch (const std::exception& byName) {
        ImageFolder plain = ImageFolder::open(dir);  // its own errors (no images...) stand
        if (plain.classes().size() != classNames.size())
            throw std::runtime_error(
                std::string(byName.what()) + " (folders not named as the model's " +
                std::to_string(classNames.size()) +
                " classes are numbered in sorted order only when there is one per class; this "
                "folder has " +
                std::to_string(plain.classes().size()) + ")");
        if (note)
            *note = dir +
                    ": class folders numbered in sorted order (torchvision's ImageFolder), as "
                    "their names are not the model's class names";
        return plain;
    }
}

}  // namespace dofa
