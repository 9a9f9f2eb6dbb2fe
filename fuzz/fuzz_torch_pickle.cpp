// SPDX-License-Identifier: MIT
// The unpickler alone: the input is a checkpoint's data.pkl, put into a valid zip (right
// CRC-32s) beside storages data/0 ... data/7 of 4 KiB each, so that mutations reach the pickle
// opcodes instead of stopping at the zip's checks. Seeds are data.pkl of real torch.save files.
#include <exception>
#include <vector>

#include "fuzz_support.h"
#include "supernet/torch_pickle_reader.h"
#include <caffe2/serialize/inline_container.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = (dofa::fuzz::ScratchDir::instance().path() / "archive.pth").string();
    {
        caffe2::serialize::PyTorchStreamWriter writer(path);
        writer.writeRecord("data.pkl", data, size);
        const std::vector<float> storage(1024, 0.5f);
        for (int key = 0; key < 8; ++key) {
            writer.writeRecord("data/" + std::to_string(key), storage.data(),
                               storage.size() * sizeof(float));
        }
        writer.writeEndOfFile();
    }
    try {
        dofa::TorchPickleReader::read(path);
    } catch (const std::exception& e) {
        dofa::fuzz::refused(e);
    }
    return 0;
}
