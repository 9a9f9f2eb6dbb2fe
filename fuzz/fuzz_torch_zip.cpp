// SPDX-License-Identifier: MIT
// A whole PyTorch zip checkpoint (`torch.save`), as `dofa import-ofa` reads it: zip directory,
// CRC-32 checks, then the unpickler.
#include <exception>

#include "fuzz_support.h"
#include "supernet/torch_pickle_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path =
        dofa::fuzz::ScratchDir::instance().write("checkpoint.pth", dofa::fuzz::bytesOf(data, size));
    try {
        dofa::TorchPickleReader::read(path);
    } catch (const std::exception& e) {
        // Refused with a message: what a malformed checkpoint should get.
        dofa::fuzz::refused(e);
    }
    return 0;
}
