// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dofa {

/// One labelled image file.
struct ImageSample
{
    std::string path;
    int64_t label = -1;
};

/// A labelled list of image files in one of two layouts. Listing reads names only: decoding,
/// and skipping what does not decode, is ImageLoader's job.
///
/// **Class folders** (ImageNet's train/val trees): `DIR/<class>/**/<file>`, as
/// torchvision.datasets.ImageFolder lists them:
/// - every sub-folder of DIR is a class; without known classes, a class's index is the position
///   of its name in byte order; files are found recursively, folders visited in byte order of
///   their paths, files in byte order of their names; symbolic links are followed;
/// - image files are the names ending (case-insensitively) in .jpg .jpeg .png .ppm .bmp .pgm
///   .tif .tiff .webp (torchvision's IMG_EXTENSIONS); other files are ignored;
/// - with `knownClasses` (the model's class names, e.g. the 1000 ImageNet wnids in output
///   order), a folder's label is its name's position in that list, so a tree with a subset of
///   the classes still labels images as the model numbers its outputs, and a folder whose name
///   is not in the list is an error;
/// - an empty class folder is not an error (torchvision's is): it is named in a warning and
///   keeps its index, so the other classes keep theirs; a tree with no image at all is an error.
///
/// **CSV** (a flat folder, e.g. ImageNet's val with a label file): `DIR/labels.csv` (or any CSV
/// path) with one `file,label` line per image, in the order the samples take:
/// - `file` is relative to DIR (or absolute); the split is at the last comma, so names may
///   contain commas; surrounding spaces and double quotes are removed;
/// - `label` is a class name from `knownClasses` or an integer index; with known classes, a
///   name is looked up first and an integer must be below their count; without them, labels
///   are either all integers (classes "0".."max") or all names (classes = the distinct names
///   sorted, as class folders would be); mixing the two is an error;
/// - an optional first line `file,label` (any case) is a header; blank lines and lines starting
///   with '#' are skipped; a listed file that does not exist is an error, and image files in
///   DIR that the CSV does not list are counted in a warning.
///
/// Every error is a std::runtime_error whose message starts with the folder or file (CSV
/// errors with `path:line:`) and says what is wrong.
class ImageFolder
{
public:
    /// The CSV file that open() looks for in the folder.
    static constexpr const char* kLabelsFile = "labels.csv";

    /// DIR/labels.csv if it exists, else class folders.
    static ImageFolder open(const std::string& dir,
                            const std::vector<std::string>& knownClasses = {});
    static ImageFolder fromClassFolders(const std::string& dir,
                                        const std::vector<std::string>& knownClasses = {});
    /// Integer labels without the model's class names make classes 0..the largest label; one
    /// above this is refused instead of making that many classes (a typo, or a corrupt file).
    static constexpr std::int64_t kMaxClasses = 100000;

    /// `csvPath` empty: DIR/labels.csv.
    static ImageFolder fromCsv(const std::string& dir, const std::string& csvPath = {},
                               const std::vector<std::string>& knownClasses = {});

    [[nodiscard]] const std::string& root() const { return m_root; }
    /// Index -> name; the known classes when given.
    [[nodiscard]] const std::vector<std::string>& classes() const { return m_classes; }
    [[nodiscard]] const std::vector<ImageSample>& samples() const { return m_samples; }
    [[nodiscard]] size_t size() const { return m_samples.size(); }
    /// What listing found odd but not fatal (empty class folders, unlisted images).
    [[nodiscard]] const std::vector<std::string>& warnings() const { return m_warnings; }

    /// `limit` samples (all when limit >= size()) in a seeded random order: the first `limit`
    /// of a Fisher-Yates shuffle driven by std::mt19937(seed). The same seed gives the same
    /// subset in the same order on every machine; the random order mixes classes, which BN
    /// calibration batches need (the listing order groups them).
    [[nodiscard]] ImageFolder subset(size_t limit, uint64_t seed) const;

    /// Whether `name` ends in one of the image extensions, case-insensitively.
    static bool hasImageExtension(const std::string& name);

private:
    std::string m_root;
    std::vector<std::string> m_classes;
    std::vector<ImageSample> m_samples;
    std::vector<std::string> m_warnings;
};

}  // namespace dofa
