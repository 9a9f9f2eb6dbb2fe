// SPDX-License-Identifier: MIT
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/core.hpp>
#include <torch/types.h>

#include "image_folder.h"
#include "image_transform.h"

namespace dofa {

/// A batch of transformed images.
struct ImageBatch
{
    torch::Tensor images;          ///< (N, 3, r, r) uint8 RGB; preprocess::toInput normalises
    torch::Tensor labels;          ///< (N) int64
    std::vector<int64_t> indices;  ///< each image's position in the loader's sample list
};

/// An image that could not be used, and why.
struct SkippedImage
{
    std::string path;
    std::string reason;
};

/// Decodes and transforms images on worker threads and hands them out in batches, in sample
/// order whatever the threads' timing.
///
/// Threading model: workers claim sample indices in order from a shared counter, but only
/// within a window of `prefetchBatches * batchSize` images past the last one the consumer
/// took, and put each result in the window's slot for its index; next() takes the slots in
/// index order. The window bounds memory (decoded full-size images live only inside a worker,
/// one per thread) and makes the output independent of the thread count. Calibration draws are
/// seeded per sample index (ImageTransform), so they do not depend on the threads either.
///
/// An image that cannot be read, is empty (0 bytes), does not decode, or is a truncated JPEG
/// is skipped: recorded in skipped(), reported to `onWarning` and in warnings(), in sample
/// order, on the consumer's thread. Batches are filled from the images that did decode, so
/// all but the last have batchSize images. The destructor stops and joins the workers, also
/// when the consumer stops early.
class ImageLoader
{
public:
    struct Options
    {
        int batchSize = 64;
        int threads = 2;
        /// Batches decoded ahead of the consumer (the bound of the prefetch window).
        int prefetchBatches = 2;
        /// Called on the consumer's thread, in sample order, for each skipped image.
        std::function<void(const std::string&)> onWarning;
    };

    ImageLoader(std::vector<ImageSample> samples, ImageTransform transform, Options options);
    ImageLoader(const ImageFolder& folder, ImageTransform transform, Options options)
        : ImageLoader(folder.samples(), std::move(transform), std::move(options))
    {}
    ~ImageLoader();
    ImageLoader(const ImageLoader&) = delete;
    ImageLoader& operator=(const ImageLoader&) = delete;

    /// The next batch, or nothing when every sample has been delivered or skipped, or after
    /// stop(). Blocks while the workers decode. Call from one thread.
    std::optional<ImageBatch> next();

    /// Stops the workers and joins them; next() then returns nothing. Idempotent.
    void stop();

    [[nodiscard]] size_t size() const { return m_samples.size(); }
    [[nodiscard]] const std::vector<SkippedImage>& skipped() const { return m_skipped; }
    [[nodiscard]] const std::vector<std::string>& warnings() const { return m_warnings; }
    [[nodiscard]] int64_t delivered() const { return m_delivered; }

    /// Reads and decodes one file as OpenCV's BGR 8-bit image (gray expanded, alpha dropped,
    /// EXIF orientation ignored as PIL does). Returns an empty Mat and sets `error` to the
    /// reason when the file cannot be read, is empty, is a truncated JPEG, or does not decode.
    static cv::Mat decode(const std::string& path, std::string& error);

private:
    struct Slot
    {
        bool ready = false;
        cv::Mat image;
        std::string error;
    };

    void work();

    const std::vector<ImageSample> m_samples;
    const ImageTransform m_transform;
    const Options m_options;
    const size_t m_window;

    std::mutex m_mutex;
    std::condition_variable m_workCv;   ///< workers wait for room in the window
    std::condition_variable m_readyCv;  ///< the consumer waits for its next slot
    std::vector<Slot> m_slots;          ///< m_window slots, index i in slot i % m_window
    size_t m_nextClaim = 0;             ///< guarded by m_mutex
    size_t m_consumed = 0;              ///< guarded by m_mutex
    bool m_stopping = false;            ///< guarded by m_mutex
    std::vector<std::thread> m_threads;

    // Consumer-side state.
    std::vector<SkippedImage> m_skipped;
    std::vector<std::string> m_warnings;
    int64_t m_delivered = 0;
};

}  // namespace dofa
