// SPDX-License-Identifier: MIT
// The Fashion-MNIST IDX reader (images and labels files).
#include <exception>

#include "data/fashion_mnist.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = dofa::fuzz::ScratchDir::instance().write(
        "t10k-images-idx3-ubyte", dofa::fuzz::bytesOf(data, size));
    try {
        (void)dofa::FashionMnist::readIdx(path);
    } catch (const std::exception& e) {
        dofa::fuzz::refused(e);
    }
    return 0;
}
