// SPDX-License-Identifier: MIT
#include "image_folder.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <stdexcept>
#include <system_error>

#include "seeded_random.h"

namespace fs = std::filesystem;

namespace dofa {

namespace {

/// `dir` without trailing slashes, so that joined paths read as os.path.join writes them.
std::string normalisedRoot(const std::string& dir)
{
    std::string root = dir;
    while (root.size() > 1 && root.back() == '/') {
        root.pop_back();
    }
    return root;
}

std::string join(const std::string& a, const std::string& b)
{
    return a.empty() ? b : (a.back() == '/' ? a + b : a + "/" + b);
}

void requireFolder(const std::string& dir)
{
    std::error_code ec;
    const fs::file_status st = fs::status(dir, ec);
    if (ec || !fs::exists(st)) {
        throw std::runtime_error(dir + ": no such folder");
    }
    if (!fs::is_directory(st)) {
        throw std::runtime_error(dir + ": not a folder");
    }
}

/// The entries of one folder (names only), following symbolic links for the folder test.
struct Listing
{
    std::vector<std::string> folders;
    std::vector<std::string> files;
};

Listing listFolder(const std::string& dir)
{
    Listing out;
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) {
        throw std::runtime_error(dir + ": cannot list (" + ec.message() + ")");
    }
    for (const fs::directory_entry& entry : it) {
        std::error_code typeError;
        // is_directory follows links, as Python's DirEntry.is_dir() and os.walk(followlinks).
        if (entry.is_directory(typeError)) {
            out.folders.push_back(entry.path().filename().string());
        } else {
            out.files.push_back(entry.path().filename().string());
        }
    }
    // std::string compares as unsigned char: byte order, which for UTF-8 names is Python's
    // code-point order.
    std::sort(out.folders.begin(), out.folders.end());
    std::sort(out.files.begin(), out.files.end());
    return out;
}

/// The image files under one class folder in torchvision's order: os.walk's folders sorted by
/// their path strings (not component by component), files sorted by name within each.
std::vector<std::string> imagesUnder(const std::string& classDir,
                                     std::vector<std::string>& warnings)
{
    std::vector<std::pair<std::string, std::vector<std::string>>> folders;
    std::set<std::string> visited;  // canonical paths: a link cycle must not recurse forever
    std::vector<std::string> pending = {classDir};
    while (!pending.empty()) {
        const std::string dir = pending.back();
        pending.pop_back();
        std::error_code ec;
        const std::string canonical = fs::canonical(dir, ec).string();
        if (!ec && !visited.insert(canonical).second) {
            warnings.push_back(dir + ": a symbolic link back to a folder already listed; skipped");
            continue;
        }
        Listing listing = listFolder(dir);
        for (const std::string& sub : listing.folders) {
            pending.push_back(join(dir, sub));
        }
        folders.emplace_back(dir, std::move(listing.files));
    }
    std::sort(folders.begin(), folders.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> images;
    for (const auto& [dir, files] : folders) {
        for (const std::string& name : files) {
            if (ImageFolder::hasImageExtension(name)) {
                images.push_back(join(dir, name));
            }
        }
    }
    return images;
}

std::string trim(const std::string& s)
{
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) {
        return {};
    }
    const auto last = s.find_last_not_of(" \t\r");
    return s.substr(first, last - first + 1);
}

std::string unquote(const std::string& s)
{
    const std::string t = trim(s);
    if (t.size() >= 2 && t.front() == '"' && t.back() == '"') {
        return trim(t.substr(1, t.size() - 2));
    }
    return t;
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// "-?[0-9]+".
bool isInteger(const std::string& s)
{
    const size_t start = !s.empty() && s[0] == '-' ? 1 : 0;
    return s.size() > start && std::all_of(s.begin() + static_cast<long>(start), s.end(),
                                           [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::map<std::string, int64_t> indexOf(const std::vector<std::string>& names)
{
    std::map<std::string, int64_t> index;
    for (size_t i = 0; i < names.size(); ++i) {
        index.emplace(names[i], static_cast<int64_t>(i));  // a duplicate keeps its first index
    }
    return index;
}

}  // namespace

bool ImageFolder::hasImageExtension(const std::string& name)
{
    static const char* const kExtensions[] = {".jpg", ".jpeg", ".png",  ".ppm", ".bmp",
                                              ".pgm", ".tif",  ".tiff", ".webp"};
    const std::string l = lower(name);
    return std::any_of(std::begin(kExtensions), std::end(kExtensions), [&](const char* ext) {
        const size_t n = std::char_traits<char>::length(ext);
        return l.size() >= n && l.compare(l.size() - n, n, ext) == 0;
    });
}

ImageFolder ImageFolder::open(const std::string& dir, const std::vector<std::string>& knownClasses)
{
    requireFolder(dir);
    std::error_code ec;
    if (fs::is_regular_file(join(normalisedRoot(dir), kLabelsFile), ec)) {
        return fromCsv(dir, {}, knownClasses);
    }
    return fromClassFolders(dir, knownClasses);
}

ImageFolder ImageFolder::fromClassFolders(const std::string& dir,
                                          const std::vector<std::string>& knownClasses)
{
    requireFolder(dir);
    ImageFolder folder;
    folder.m_root = normalisedRoot(dir);
    const Listing top = listFolder(folder.m_root);
    const size_t looseImages =
        static_cast<size_t>(std::count_if(top.files.begin(), top.files.end(), hasImageExtension));

    const std::map<std::string, int64_t> known = indexOf(knownClasses);
    if (!knownClasses.empty()) {
        for (const std::string& name : top.folders) {
            if (known.count(name) == 0) {
                throw std::runtime_error(
                    join(folder.m_root, name) + ": class folder '" + name +
                    "' is not one of the model's " + std::to_string(knownClasses.size()) +
                    " classes (" + knownClasses.front() + " ... " + knownClasses.back() + ")");
            }
        }
        folder.m_classes = knownClasses;
    } else {
        folder.m_classes = top.folders;
    }

    std::vector<std::string> emptyFolders;
    for (size_t i = 0; i < top.folders.size(); ++i) {
        const std::string& name = top.folders[i];
        const int64_t label = knownClasses.empty() ? static_cast<int64_t>(i) : known.at(name);
        const std::string classDir = join(folder.m_root, name);
        const std::vector<std::string> images = imagesUnder(classDir, folder.m_warnings);
        if (images.empty()) {
            emptyFolders.push_back(classDir);
            folder.m_warnings.push_back(classDir + ": empty class folder (no image files); class " +
                                        std::to_string(label) + " has no samples");
        }
        for (const std::string& path : images) {
            folder.m_samples.push_back({path, label});
        }
    }

    if (folder.m_samples.empty()) {
        const std::string expected = " (expected " + folder.m_root + "/<class>/<image> or " +
                                     folder.m_root + "/" + kLabelsFile + ")";
        if (looseImages > 0) {
            throw std::runtime_error(folder.m_root + ": " + std::to_string(looseImages) +
                                     " image files lie directly in the folder but there is no " +
                                     kLabelsFile + " to label them" + expected);
        }
        if (top.folders.empty()) {
            throw std::runtime_error(folder.m_root + ": no images: no class folders and no " +
                                     kLabelsFile + expected);
        }
        throw std::runtime_error(folder.m_root + ": no images in any of its " +
                                 std::to_string(top.folders.size()) + " class folders" + expected);
    }
    if (looseImages > 0) {
        folder.m_warnings.push_back(folder.m_root + ": " + std::to_string(looseImages) +
                                    " image files outside the class folders are ignored");
    }
    return folder;
}

ImageFolder ImageFolder::fromCsv(const std::string& dir, const std::string& csvPath,
                                 const std::vector<std::string>& knownClasses)
{
    requireFolder(dir);
    ImageFolder folder;
    folder.m_root = normalisedRoot(dir);
    const std::string csv = csvPath.empty() ? join(folder.m_root, kLabelsFile) : csvPath;
    std::ifstream in(csv);
    if (!in) {
        throw std::runtime_error(csv + ": cannot open (missing or unreadable)");
    }

    const std::map<std::string, int64_t> known = indexOf(knownClasses);
    struct Row
    {
        std::string path;
        std::string label;
        int line;
    };
    std::vector<Row> rows;
    std::set<std::string> listed;
    std::string text;
    bool first = true;
    for (int lineNo = 1; std::getline(in, text); ++lineNo) {
        if (lineNo == 1 && text.rfind("\xEF\xBB\xBF", 0) == 0) {
            text.erase(0, 3);  // a UTF-8 byte-order mark, as spreadsheet exports write
        }
        const std::string line = trim(text);
        if (line.empty() || line[0] == '#') {
            continue;
        }
        const std::string where = csv + ":" + std::to_string(lineNo) + ": ";
        const size_t comma = line.rfind(',');
        if (comma == std::string::npos) {
            throw std::runtime_error(where + "expected 'file,label', got '" + line + "'");
        }
        const std::string file = unquote(line.substr(0, comma));
        const std::string label = unquote(line.substr(comma + 1));
        if (first && lower(file) == "file" && lower(label) == "label") {
            first = false;
            continue;  // the header
        }
        first = false;
        if (file.empty() || label.empty()) {
            throw std::runtime_error(where + "empty " + (file.empty() ? "file" : "label") +
                                     " in '" + line + "'");
        }
        if (file.find('\0') != std::string::npos) {
            // The file system would read the name only up to it: "dir/\0x" names "dir/".
            throw std::runtime_error(where + "the file name has a NUL byte");
        }
        const std::string path = file[0] == '/' ? file : join(folder.m_root, file);
        std::error_code ec;
        if (!fs::exists(path, ec)) {
            throw std::runtime_error(where + "'" + file + "' does not exist (looked for " + path +
                                     ")");
        }
        listed.insert(fs::path(path).lexically_normal().string());
        rows.push_back({path, label, lineNo});
    }
    if (in.bad()) {
        throw std::runtime_error(csv + ": read error");
    }
    if (rows.empty()) {
        throw std::runtime_error(csv + ": no images listed (expected 'file,label' lines)");
    }

    auto parseIndex = [&](const Row& row, int64_t count) {
        const std::string where = csv + ":" + std::to_string(row.line) + ": ";
        if (row.label[0] == '-') {
            throw std::runtime_error(where + "label " + row.label + " is negative");
        }
        if (row.label.size() > 18) {
            throw std::runtime_error(where + "label " + row.label + " is out of range");
        }
        const int64_t value = std::stoll(row.label);
        if (count >= 0 && value >= count) {
            throw std::runtime_error(where + "label " + row.label + " is out of range (" +
                                     std::to_string(count) + " classes)");
        }
        if (value >= kMaxClasses) {
            throw std::runtime_error(where + "label " + row.label + " is out of range (at most " +
                                     std::to_string(kMaxClasses) + " classes)");
        }
        return value;
    };

    if (!knownClasses.empty()) {
        folder.m_classes = knownClasses;
        for (const Row& row : rows) {
            const auto it = known.find(row.label);
            int64_t label = 0;
            if (it != known.end()) {
                label = it->second;
            } else if (isInteger(row.label)) {
                label = parseIndex(row, static_cast<int64_t>(knownClasses.size()));
            } else {
                throw std::runtime_error(csv + ":" + std::to_string(row.line) + ": label '" +
                                         row.label + "' is not one of the model's " +
                                         std::to_string(knownClasses.size()) + " classes");
            }
            folder.m_samples.push_back({row.path, label});
        }
    } else {
        const bool integers = isInteger(rows.front().label);
        for (const Row& row : rows) {
            if (isInteger(row.label) != integers) {
                throw std::runtime_error(
                    csv + ":" + std::to_string(row.line) + ": label '" + row.label + "' is " +
                    (integers ? "a name" : "an integer") + " but line " +
                    std::to_string(rows.front().line) + "'s is " +
                    (integers ? "an integer" : "a name") +
                    "; without the model's class names the labels must be all one or the other");
            }
        }
        if (integers) {
            int64_t maxLabel = 0;
            for (const Row& row : rows) {
                const int64_t label = parseIndex(row, -1);
                maxLabel = std::max(maxLabel, label);
                folder.m_samples.push_back({row.path, label});
            }
            for (int64_t i = 0; i <= maxLabel; ++i) {
                folder.m_classes.push_back(std::to_string(i));
            }
        } else {
            std::set<std::string> names;
            for (const Row& row : rows) {
                names.insert(row.label);
            }
            folder.m_classes.assign(names.begin(), names.end());
            const std::map<std::string, int64_t> index = indexOf(folder.m_classes);
            for (const Row& row : rows) {
                folder.m_samples.push_back({row.path, index.at(row.label)});
            }
        }
    }

    // Images beside the CSV that it does not list: likely a stale or partial label file.
    size_t unlisted = 0;
    for (const std::string& name : listFolder(folder.m_root).files) {
        if (hasImageExtension(name) &&
            listed.count(fs::path(join(folder.m_root, name)).lexically_normal().string()) == 0) {
            ++unlisted;
        }
    }
    if (unlisted > 0) {
        folder.m_warnings.push_back(folder.m_root + ": " + std::to_string(unlisted) +
                                    " image files are not listed in " + csv + " and are ignored");
    }
    return folder;
}

ImageFolder ImageFolder::subset(size_t limit, uint64_t seed) const
{
    ImageFolder out;
    out.m_root = m_root;
    out.m_classes = m_classes;
    out.m_warnings = m_warnings;
    const size_t n = m_samples.size();
    if (n > UINT32_MAX) {
        throw std::runtime_error(m_root + ": too many images for a seeded subset");
    }
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::seed_seq seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)};
    std::mt19937 rng(seq);
    const size_t k = std::min(limit, n);
    for (size_t i = 0; i < k; ++i) {
        const size_t j = i + seeded::below(rng, static_cast<uint32_t>(n - i));
        std::swap(order[i], order[j]);
    }
    out.m_samples.reserve(k);
    for (size_t i = 0; i < k; ++i) {
        out.m_samples.push_back(m_samples[order[i]]);
    }
    return out;
}

}  // namespace dofa
