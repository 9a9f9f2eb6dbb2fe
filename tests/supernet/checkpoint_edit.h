// SPDX-License-Identifier: MIT
// Test helper: malformed and corrupted copies of a real torch.save checkpoint, made with
// LibTorch's own zip reader and writer, so tests can feed dofa files torch.save would not write.
#pragma once

#include <fstream>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include <caffe2/serialize/inline_container.h>

namespace dofa::testing {

/// Copies the checkpoint `src` to `dst` with its data.pkl passed through `edit`. The writer
/// computes every entry's CRC-32 afresh, so the copy is a sound zip whose pickle is malformed:
/// what a hand-edited data.pkl, zipped again, looks like.
inline void rewritePickle(const std::string& src, const std::string& dst,
                          const std::function<std::string(const std::string&)>& edit)
{
    caffe2::serialize::PyTorchStreamReader in(src);
    caffe2::serialize::PyTorchStreamWriter out(dst);
    for (const std::string& name : in.getAllRecords()) {
        if (name == "version" || name == ".data/version") {
            continue;  // writeEndOfFile writes its own
        }
        auto [ptr, size] = in.getRecord(name);
        std::string bytes(static_cast<const char*>(ptr.get()), size);
        if (name == "data.pkl") {
            bytes = edit(bytes);
        }
        out.writeRecord(name, bytes.data(), bytes.size());
    }
    out.writeEndOfFile();
}

/// Copies `src` to `dst` byte for byte, but for the byte `offset` bytes into the stored data of
/// entry `record` (e.g. "data.pkl", "data/0"), XORed with `mask`: a corruption on disk or in
/// transfer, which leaves the entry's CRC-32 as it was.
inline void flipByte(const std::string& src, const std::string& dst, const std::string& record,
                     size_t offset, unsigned char mask = 0x01)
{
    const size_t at = caffe2::serialize::PyTorchStreamReader(src).getRecordOffset(record) + offset;
    std::ifstream in(src, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (at >= bytes.size()) {
        throw std::runtime_error(src + ": no byte " + std::to_string(offset) + " in " + record);
    }
    bytes[at] = static_cast<char>(bytes[at] ^ mask);
    std::ofstream out(dst, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
        throw std::runtime_error(dst + ": cannot write");
    }
}

}  // namespace dofa::testing
