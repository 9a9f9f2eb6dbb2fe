// SPDX-License-Identifier: MIT
#include "sources/source_spec.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <limits>
#include <optional>
#include <stdexcept>

namespace dofa {

namespace {

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Digits only: "+1", "-0", " 2" and "1e2" are typos, not camera indices.
std::optional<int> cameraIndexOf(const std::string& s)
{
    if (s.empty() || s.size() > 9 ||
        !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); })) {
        return std::nullopt;
    }
    return std::stoi(s);
}

// "/dev/video2" names camera 2; accepted so that a device path from v4l2-ctl works as is.
std::optional<int> cameraIndexOfDevice(const std::string& s)
{
    const std::string prefix = "/dev/video";
    if (s.rfind(prefix, 0) != 0) {
        return std::nullopt;
    }
    return cameraIndexOf(s.substr(prefix.size()));
}

[[noreturn]] void invalid(const std::string& text, const std::string& why)
{
    throw std::invalid_argument("invalid source '" + text + "': " + why +
                                "; expected one of: " + SourceSpec::forms());
}

}  // namespace

int SourceSpec::cameraIndex() const
{
    const auto index = kind == Kind::Camera ? cameraIndexOf(value) : std::nullopt;
    if (!index) {
        throw std::logic_error("SourceSpec '" + toString() + "' is not a camera");
    }
    return *index;
}

std::string SourceSpec::forms()
{
    return "dataset, dataset:test, dataset:train, camera:N (or a bare N), file:PATH (or the "
           "path of an existing file), gst:PIPELINE, folder:DIR";
}

SourceSpec SourceSpec::parse(const std::string& text)
{
    const std::string t = trimmedSourceText(text);
    if (t.empty()) {
        invalid(text, "empty");
    }
    const auto colon = t.find(':');
    const std::string prefix = lower(t.substr(0, colon));
    const std::string rest = colon == std::string::npos ? std::string() : t.substr(colon + 1);

    if (prefix == "dataset") {
        const std::string split = lower(trimmedSourceText(rest));
        if (colon == std::string::npos || split == "test") {
            return {Kind::Dataset, "test"};
        }
        if (split == "train") {
            return {Kind::Dataset, "train"};
        }
        invalid(text, "the dataset split must be 'test' or 'train'");
    }
    if (colon != std::string::npos && prefix == "camera") {
        const std::string index = trimmedSourceText(rest);
        if (auto i = cameraIndexOf(index) ? cameraIndexOf(index) : cameraIndexOfDevice(index)) {
            return {Kind::Camera, std::to_string(*i)};
        }
        invalid(text, "the camera index must be a non-negative integer");
    }
    if (colon != std::string::npos && prefix == "file") {
        const std::string path = trimmedSourceText(rest);
        if (path.empty()) {
            invalid(text, "no path after 'file:'");
        }
        return {Kind::File, path};
    }
    if (colon != std::string::npos && prefix == "folder") {
        const std::string dir = trimmedSourceText(rest);
        if (dir.empty()) {
            invalid(text, "no directory after 'folder:'");
        }
        return {Kind::Folder, dir};
    }
    if (colon != std::string::npos && (prefix == "gst" || prefix == "gstreamer")) {
        const std::string pipeline = trimmedSourceText(rest);
        if (pipeline.empty()) {
            invalid(text, "no pipeline after 'gst:'");
        }
        return {Kind::GStreamer, pipeline};
    }
    if (auto i = cameraIndexOf(t) ? cameraIndexOf(t) : cameraIndexOfDevice(t)) {
        return {Kind::Camera, std::to_string(*i)};
    }
    std::error_code ec;
    if (std::filesystem::is_regular_file(t, ec)) {
        return {Kind::File, t};
    }
    invalid(text, "not a known form, nor the path of an existing file");
}

std::string SourceSpec::toString() const
{
    switch (kind) {
        case Kind::Dataset:
            return "dataset:" + value;
        case Kind::Camera:
            return "camera:" + value;
        case Kind::File:
            return "file:" + value;
        case Kind::Folder:
            return "folder:" + value;
        case Kind::GStreamer:
            return "gst:" + value;
    }
    return value;
}

std::string trimmedSourceText(const std::string& s)
{
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) {
        return {};
    }
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

}  // namespace dofa
