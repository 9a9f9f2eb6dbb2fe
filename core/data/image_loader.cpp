// SPDX-License-Identifier: MIT
#include "image_loader.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <opencv2/imgcodecs.hpp>

namespace dofa {

namespace fs = std::filesystem;

namespace {

/// Whether a JPEG stream reaches its end-of-image marker. libjpeg decodes a truncated file
/// with a warning and fills the missing rows with gray, so OpenCV returns an image, where PIL
/// (and so torchvision) raises "image file is truncated": walk the markers to tell. Data that
/// is not a JPEG, or is malformed before its end, is left to the decoder to judge.
bool jpegComplete(const std::vector<uchar>& data)
{
    const size_t n = data.size();
    if (n < 2 || data[0] != 0xFF || data[1] != 0xD8) {
        return true;
    }
    size_t pos = 2;
    for (;;) {
        if (pos >= n) {
            return false;
        }
        if (data[pos] != 0xFF) {
            return true;  // not a marker where one must be: corrupt, not truncated
        }
        while (pos < n && data[pos] == 0xFF) {
            ++pos;  // fill bytes
        }
        if (pos >= n) {
            return false;
        }
        const uchar marker = data[pos++];
        if (marker == 0xD9) {
            return true;  // EOI
        }
        if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
            continue;  // RSTn and TEM stand alone
        }
        if (pos + 2 > n) {
            return false;
        }
        const size_t length = (static_cast<size_t>(data[pos]) << 8) | data[pos + 1];
        if (length < 2) {
            return true;
        }
        pos += length;
        if (pos > n) {
            return false;
        }
        if (marker != 0xDA) {
            continue;
        }
        // After a start-of-scan header, entropy-coded data: 0xFF is followed by 0x00 (a
        // stuffed byte), a restart marker, or the next marker segment.
        for (;;) {
            const void* ff = std::memchr(data.data() + pos, 0xFF, n - pos);
            if (!ff) {
                return false;
            }
            pos = static_cast<size_t>(static_cast<const uchar*>(ff) - data.data());
            if (pos + 1 >= n) {
                return false;
            }
            const uchar next = data[pos + 1];
            if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
                pos += 2;
            } else if (next == 0xFF) {
                pos += 1;
            } else {
                break;  // a marker: the outer loop reads it
            }
        }
    }
}

ImageLoader::Options validated(ImageLoader::Options options)
{
    if (options.batchSize < 1 || options.threads < 1 || options.prefetchBatches < 1) {
        throw std::invalid_argument(
            "ImageLoader: batchSize, threads and prefetchBatches must be "
            "at least 1 (got " +
            std::to_string(options.batchSize) + ", " + std::to_string(options.threads) + ", " +
            std::to_string(options.prefetchBatches) + ")");
    }
    return options;
}

}  // namespace

cv::Mat ImageLoader::decode(const std::string& path, std::string& error)
{
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (!ec && fs::exists(status) && !fs::is_regular_file(status)) {
        // A folder would "open" as a stream and report a nonsense size.
        error = "not a regular file";
        return {};
    }
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) {
        error = "cannot open (missing or unreadable)";
        return {};
    }
    const std::streamoff size = in.tellg();
    if (size < 0) {
        error = "cannot read its size";
        return {};
    }
    if (size == 0) {
        error = "empty file (0 bytes)";
        return {};
    }
    std::vector<uchar> data(static_cast<size_t>(size));
    in.seekg(0);
    if (!in.read(reinterpret_cast<char*>(data.data()), size)) {
        error = "read error";
        return {};
    }
    if (!jpegComplete(data)) {
        error = "truncated JPEG (the data ends before the end-of-image marker)";
        return {};
    }
    cv::Mat image;
    try {
        // IMREAD_COLOR expands gray and drops alpha, as PIL's convert("RGB"); PIL does not
        // rotate by the EXIF orientation, so neither do we.
        image = cv::imdecode(data, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
    } catch (const cv::Exception& e) {
        error = std::string("cannot decode (") + e.what() + ")";
        return {};
    }
    if (image.empty()) {
        error = "not a decodable image (corrupt, or a format OpenCV cannot read)";
    }
    return image;
}

ImageLoader::ImageLoader(std::vector<ImageSample> samples, ImageTransform transform,
                         Options options)
    : m_samples(std::move(samples)),
      m_transform(std::move(transform)),
      m_options(validated(std::move(options))),
      m_window(std::max<size_t>(
          static_cast<size_t>(m_options.batchSize) * static_cast<size_t>(m_options.prefetchBatches),
          static_cast<size_t>(m_options.threads))),
      m_slots(m_window)
{
    const size_t threads = std::min<size_t>(static_cast<size_t>(m_options.threads),
                                            std::max<size_t>(m_samples.size(), 1));
    m_threads.reserve(threads);
    try {
        for (size_t i = 0; i < threads; ++i) {
            m_threads.emplace_back(&ImageLoader::work, this);
        }
    } catch (...) {
        stop();  // the destructor does not run for a constructor that throws
        throw;
    }
}

ImageLoader::~ImageLoader()
{
    stop();
}

void ImageLoader::stop()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
    }
    m_workCv.notify_all();
    m_readyCv.notify_all();
    for (std::thread& t : m_threads) {
        if (t.joinable()) {
            t.join();
        }
    }
}

void ImageLoader::work()
{
    const size_t n = m_samples.size();
    for (;;) {
        size_t index = 0;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_workCv.wait(lock, [&] {
                return m_stopping || m_nextClaim >= n || m_nextClaim < m_consumed + m_window;
            });
            if (m_stopping || m_nextClaim >= n) {
                return;
            }
            index = m_nextClaim++;
        }
        Slot result;
        try {
            const cv::Mat decoded = decode(m_samples[index].path, result.error);
            if (!decoded.empty()) {
                result.image = m_transform.apply(decoded, index);
            }
        } catch (const std::exception& e) {
            // A transform or allocation failure costs this image, never the process.
            result.image.release();
            result.error = std::string("cannot transform (") + e.what() + ")";
        } catch (...) {
            result.image.release();
            result.error = "cannot transform (unknown error)";
        }
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            Slot& slot = m_slots[index % m_window];
            slot = std::move(result);
            slot.ready = true;
        }
        m_readyCv.notify_all();
    }
}

std::optional<ImageBatch> ImageLoader::next()
{
    const size_t n = m_samples.size();
    std::vector<cv::Mat> images;
    std::vector<int64_t> labels;
    std::vector<int64_t> indices;
    while (images.size() < static_cast<size_t>(m_options.batchSize)) {
        Slot slot;
        size_t index = 0;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            if (m_stopping || m_consumed >= n) {
                break;
            }
            index = m_consumed;
            Slot& pending = m_slots[index % m_window];
            m_readyCv.wait(lock, [&] { return pending.ready || m_stopping; });
            if (!pending.ready) {
                break;  // stopped
            }
            slot = std::move(pending);
            pending = Slot{};
            ++m_consumed;
        }
        m_workCv.notify_all();  // a slot of the window is free again
        if (slot.image.empty()) {
            const std::string& path = m_samples[index].path;
            m_skipped.push_back({path, slot.error});
            m_warnings.push_back(path + ": skipped: " + slot.error);
            if (m_options.onWarning) {
                m_options.onWarning(m_warnings.back());
            }
            continue;
        }
        images.push_back(std::move(slot.image));
        labels.push_back(m_samples[index].label);
        indices.push_back(static_cast<int64_t>(index));
    }
    if (images.empty()) {
        return std::nullopt;
    }

    const int r = m_transform.resolution();
    ImageBatch batch;
    batch.images = torch::empty({static_cast<int64_t>(images.size()), 3, r, r}, torch::kUInt8);
    for (size_t i = 0; i < images.size(); ++i) {
        const cv::Mat& img = images[i];  // continuous r x r CV_8UC3 (ImageTransform::apply)
        const torch::Tensor hwc = torch::from_blob(img.data, {r, r, 3}, torch::kUInt8);
        batch.images[static_cast<int64_t>(i)].copy_(hwc.permute({2, 0, 1}));
    }
    batch.labels = torch::tensor(labels, torch::kInt64);
    batch.indices = std::move(indices);
    m_delivered += static_cast<int64_t>(batch.indices.size());
    return batch;
}

}  // namespace dofa
