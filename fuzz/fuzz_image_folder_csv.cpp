// SPDX-License-Identifier: MIT
// An image folder's labels.csv (path,label rows), over a folder holding a few image files, with
// and without the model's class list.
#include <exception>
#include <string>
#include <vector>

#include "data/image_folder.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::string dir = [] {
        const dofa::fuzz::ScratchDir& scratch = dofa::fuzz::ScratchDir::instance();
        for (const char* image :
             {"images/a.png", "images/b.jpg", "c.JPEG", "d e.png", "x/y/z.bmp"}) {
            scratch.write(std::string("folder/") + image, "not decoded by the CSV reader");
        }
        return (scratch.path() / "folder").string();
    }();
    static const std::vector<std::string> classes = {"tench", "goldfish", "great white shark"};
    const std::string csv = dofa::fuzz::ScratchDir::instance().write(
        "folder/labels.csv", dofa::fuzz::bytesOf(data, size));
    for (const std::vector<std::string>& known : {std::vector<std::string>{}, classes}) {
        try {
            const dofa::ImageFolder folder = dofa::ImageFolder::fromCsv(dir, csv, known);
            (void)folder.size();
        } catch (const std::exception& e) {
            dofa::fuzz::refused(e);
        }
    }
    return 0;
}
