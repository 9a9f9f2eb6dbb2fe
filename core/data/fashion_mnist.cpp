// SPDX-License-Identifier: MIT
#include "fashion_mnist.h"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <zlib.h>

namespace dofa {

namespace {

std::vector<unsigned char> readMaybeGzip(const std::string& path)
{
    std::ifstream probe(path, std::ios::binary);
    if (!probe) {
        throw std::runtime_error(path + ": cannot open (missing or unreadable)");
    }
    probe.close();
    gzFile f = gzopen(path.c_str(), "rb");  // reads plain files transparently too
    if (!f) {
        throw std::runtime_error(path + ": cannot open");
    }
    std::vector<unsigned char> data;
    unsigned char buf[1 << 16];
    for (;;) {
        const int n = gzread(f, buf, sizeof buf);
        if (n < 0) {
            int code = 0;
            const std::string msg = gzerror(f, &code);
            gzclose(f);
            throw std::runtime_error(path + ": corrupt gzip data (" + msg + ")");
        }
        if (n == 0) {
            break;
        }
        data.insert(data.end(), buf, buf + n);
    }
    // A truncated gzip stream ends without error from gzread on some zlib versions; gzclose
    // reports it.
    const int closeCode = gzclose(f);
    if (closeCode != Z_OK && closeCode != Z_BUF_ERROR) {
        throw std::runtime_error(path + ": corrupt gzip data");
    }
    if (closeCode == Z_BUF_ERROR) {
        throw std::runtime_error(path + ": truncated gzip data");
    }
    return data;
}

uint32_t bigEndian(const unsigned char* p)
{
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

torch::Tensor FashionMnist::readIdx(const std::string& path)
{
    const std::vector<unsigned char> data = readMaybeGzip(path);
    if (data.size() < 4 || data[0] != 0 || data[1] != 0 || data[2] != 0x08) {
        throw std::runtime_error(path + ": not an IDX file of unsigned bytes (bad magic)");
    }
    const int dims = data[3];
    if (dims < 1 || dims > 3 || data.size() < 4 + 4 * static_cast<size_t>(dims)) {
        throw std::runtime_error(path + ": bad IDX header (" + std::to_string(dims) + " dims)");
    }
    std::vector<int64_t> shape;
    size_t count = 1;
    for (int i = 0; i < dims; ++i) {
        shape.push_back(bigEndian(&data[4 + 4 * i]));
        const size_t n = static_cast<size_t>(shape.back());
        // Dimensions are 32-bit: three can overflow the product (and then match a small file).
        if (n != 0 && count > data.size() / n) {
            throw std::runtime_error(path + ": truncated or oversized: header promises more " +
                                     "bytes than the file's " + std::to_string(data.size()));
        }
        count *= n;
    }
    const size_t offset = 4 + 4 * static_cast<size_t>(dims);
    if (data.size() - offset != count) {
        throw std::runtime_error(path + ": truncated or oversized: header promises " +
                                 std::to_string(count) + " bytes of data, file has " +
                                 std::to_string(data.size() - offset));
    }
    torch::Tensor t = torch::empty(shape, torch::kUInt8);
    if (count > 0) {  // an empty tensor has no data pointer to copy to
        std::memcpy(t.data_ptr<uint8_t>(), data.data() + offset, count);
    }
    return t;
}

FashionMnist FashionMnist::load(const std::string& dir, Split split)
{
    const std::string prefix = dir + "/" + (split == Split::Train ? "train" : "t10k");
    auto pick = [](const std::string& base) {
        std::ifstream gz(base + ".gz");
        return gz ? base + ".gz" : base;
    };
    const std::string imagesPath = pick(prefix + "-images-idx3-ubyte");
    const std::string labelsPath = pick(prefix + "-labels-idx1-ubyte");
    FashionMnist ds;
    ds.images = readIdx(imagesPath);
    if (ds.images.dim() != 3) {
        throw std::runtime_error(imagesPath + ": expected 3-D images, got " +
                                 std::to_string(ds.images.dim()) + "-D");
    }
    ds.labels = readIdx(labelsPath);
    if (ds.labels.dim() != 1) {
        throw std::runtime_error(labelsPath + ": expected 1-D labels");
    }
    if (ds.labels.size(0) != ds.images.size(0)) {
        throw std::runtime_error(labelsPath + ": " + std::to_string(ds.labels.size(0)) +
                                 " labels for " + std::to_string(ds.images.size(0)) +
                                 " images in " + imagesPath);
    }
    if (ds.labels.max().item<int>() >= static_cast<int>(classNames().size())) {
        throw std::runtime_error(labelsPath + ": label out of range 0..9");
    }
    ds.labels = ds.labels.to(torch::kInt64);
    return ds;
}

std::string FashionMnist::defaultDir()
{
    if (const char* env = std::getenv("DOFA_FASHION_MNIST_DIR"); env && *env) {
        return env;
    }
    return "/usr/share/datasets/fashion-mnist";
}

const std::vector<std::string>& FashionMnist::classNames()
{
    static const std::vector<std::string> names = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return names;
}

}  // namespace dofa
