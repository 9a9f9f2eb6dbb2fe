// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "image_folder.h"
#include "image_set.h"

namespace dofa {

/// An image folder (ImageFolder) as an evaluation or BN calibration set: every pass decodes
/// the files again on worker threads (ImageLoader) and applies OFA's transform for the
/// resolution asked, eval (shorter side to ceil(r/0.875), centre crop) or calibration
/// (RandomResizedCrop, flip, colour jitter, seeded per image). Nothing is held in memory
/// between passes: ImageNet's 50,000 validation images at 224 would take 7.5 GB.
///
/// Images that do not decode are skipped; each is named once through `onWarning` (a search
/// makes hundreds of passes) and counted in skipped().
class FolderImageSet : public ImageSet
{
public:
    enum class Use { Evaluation, Calibration };

    struct Options
    {
        int threads = 2;                 ///< decoding threads
        std::uint64_t seed = 937162211;  ///< calibration draws (OFA's SUB_SEED)
        /// The folder the samples were listed from: their identity in describe() uses paths
        /// relative to it, so the same data set under another path is the same set.
        std::string root;
        std::function<void(const std::string&)> onWarning;
    };

    /// `name` says what the samples are (folder, subset, seed) for a reader; describe() gives
    /// it as `<use>_folder`, beside `<use>_set`, the set's identity: SHA-256 over each sample's
    /// path relative to Options::root, label and file size, in order. Accuracy caches compare
    /// the identity, not the path, so a cache made on a server's copy of ImageNet val is reused
    /// on a board's. Throws std::invalid_argument when there are no samples.
    FolderImageSet(std::vector<ImageSample> samples, std::string name, Use use, Options options);

    [[nodiscard]] std::int64_t size() const override
    {
        return static_cast<std::int64_t>(m_samples.size());
    }
    [[nodiscard]] QJsonObject describe() const override;
    /// The identity of a list of samples: "N images, sha256 <16 hex digits>" over each
    /// sample's path relative to `root` (the path itself when empty), label and file size.
    static std::string identity(const std::vector<ImageSample>& samples, const std::string& root);
    void forEachBatch(int resolution, int batchSize, const BatchFn& fn) const override;

    /// Distinct files skipped so far.
    [[nodiscard]] std::size_t skipped() const { return m_warned.size(); }

private:
    std::vector<ImageSample> m_samples;
    std::string m_name;
    std::string m_identity;
    Use m_use;
    Options m_options;
    /// Paths already warned about. Mutable: a pass is logically const, the warnings are not
    /// part of the set. Passes run on one thread at a time (AccuracyEvaluator is not
    /// thread-safe either).
    mutable std::set<std::string> m_warned;
};

}  // namespace dofa
