// SPDX-License-Identifier: MIT
#include "input_contract.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonValue>
#include <QStringList>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "data/fashion_mnist.h"
#include "supernet_spec.h"

namespace dofa {

namespace {

// The ImageNet-1k names are compiled into dofa_core (qt_add_resources in
// core/supernet/CMakeLists.txt) rather than looked up on disk: the model-file loader in core
// needs them (legacyDefault), not only the CLI, and an embedded file reaches every binary the
// same way from the build tree and from an install, with no search path to get wrong.
const char kImagenetResource[] = ":/dofa/imagenet-1k-classes.txt";

struct ColourInfo
{
    const char* name;
    InputContract::ColourOrder value;
};
constexpr ColourInfo kColours[] = {{"gray", InputContract::ColourOrder::Gray},
                                   {"rgb", InputContract::ColourOrder::RGB},
                                   {"bgr", InputContract::ColourOrder::BGR}};

struct ResizeInfo
{
    const char* name;
    InputContract::Resize value;
};
constexpr ResizeInfo kResizes[] = {
    {"shorter-side-centre-crop", InputContract::Resize::ShorterSideCentreCrop},
    {"gray-centre-square", InputContract::Resize::GrayCentreSquare}};

struct InvertInfo
{
    const char* name;
    InputContract::Invert value;
};
constexpr InvertInfo kInverts[] = {{"auto", InputContract::Invert::Auto},
                                   {"never", InputContract::Invert::Never},
                                   {"always", InputContract::Invert::Always}};

[[noreturn]] void badField(const std::string& field, const std::string& why)
{
    throw std::runtime_error("input." + field + ": " + why);
}

QJsonValue required(const QJsonObject& o, const char* key, const std::string& field)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        badField(field, "missing");
    }
    return v;
}

template <typename Table>
auto enumField(const QJsonObject& o, const char* key, const std::string& field, const Table& table)
{
    const QJsonValue v = required(o, key, field);
    const QString text = v.toString();
    std::string known;
    for (const auto& entry : table) {
        if (text == QLatin1String(entry.name)) {
            return entry.value;
        }
        known += std::string(known.empty() ? "" : ", ") + entry.name;
    }
    badField(field, "'" + text.toStdString() + "' is not one of " + known);
}

template <typename Table, typename Value>
const char* enumName(const Table& table, Value v)
{
    for (const auto& entry : table) {
        if (entry.value == v) {
            return entry.name;
        }
    }
    return "?";
}

int intField(const QJsonObject& o, const char* key, const std::string& field)
{
    const QJsonValue v = required(o, key, field);
    const double d = v.toDouble(std::nan(""));
    if (!v.isDouble() || d != std::floor(d)) {
        badField(field, "not an integer");
    }
    return static_cast<int>(d);
}

double numberField(const QJsonObject& o, const char* key, const std::string& field)
{
    const QJsonValue v = required(o, key, field);
    if (!v.isDouble()) {
        badField(field, "not a number");
    }
    return v.toDouble();
}

QJsonArray arrayField(const QJsonObject& o, const char* key, const std::string& field)
{
    const QJsonValue v = required(o, key, field);
    if (!v.isArray()) {
        badField(field, "not an array");
    }
    return v.toArray();
}

std::vector<float> floatList(const QJsonObject& o, const char* key, const std::string& field)
{
    std::vector<float> out;
    const QJsonArray a = arrayField(o, key, field);
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (!a[i].isDouble()) {
            badField(field + "[" + std::to_string(i) + "]", "not a number");
        }
        out.push_back(static_cast<float>(a[i].toDouble()));
    }
    return out;
}

template <typename T>
QJsonArray toArray(const std::vector<T>& v)
{
    QJsonArray a;
    for (const T& x : v) {
        if constexpr (std::is_same_v<T, std::string>) {
            a.append(QString::fromStdString(x));
        } else {
            a.append(static_cast<double>(x));
        }
    }
    return a;
}

template <typename T>
std::string listText(const std::vector<T>& v)
{
    std::ostringstream s;
    for (size_t i = 0; i < v.size(); ++i) {
        s << (i ? "," : "") << v[i];
    }
    return "[" + s.str() + "]";
}

/// Class names from the bytes of a names file; `where` names the file in errors.
std::vector<std::string> parseClassNames(QByteArray data, const std::string& where)
{
    if (data.startsWith("\xEF\xBB\xBF")) {
        data.remove(0, 3);  // a UTF-8 byte-order mark some editors write
    }
    QStringList lines = QString::fromUtf8(data).split('\n');
    while (!lines.isEmpty() && lines.back().trimmed().isEmpty()) {
        lines.removeLast();
    }
    if (lines.isEmpty()) {
        throw std::runtime_error(where + ": no class names (one name per line expected)");
    }
    std::vector<std::string> names;
    names.reserve(static_cast<size_t>(lines.size()));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString name = lines[i].trimmed();
        if (name.isEmpty()) {
            throw std::runtime_error(where + ":" + std::to_string(i + 1) +
                                     ": empty class name (one name per line expected)");
        }
        names.push_back(name.toStdString());
    }
    return names;
}

std::vector<std::string> genericClassNames(int n)
{
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) {
        names.push_back("class " + std::to_string(i));
    }
    return names;
}

/// The fields both factories take from the spec (the one source of truth for them).
InputContract fromSpec(const SupernetSpec& spec)
{
    InputContract c;
    c.channels = spec.inChannels;
    c.mean = spec.mean;
    c.std = spec.std;
    c.resolutions = spec.resolutions;
    return c;
}

}  // namespace

const char* colourOrderName(InputContract::ColourOrder c)
{
    return enumName(kColours, c);
}

const char* resizeName(InputContract::Resize r)
{
    return enumName(kResizes, r);
}

const char* invertName(InputContract::Invert i)
{
    return enumName(kInverts, i);
}

int InputContract::resizeShorterSideTo(int r) const
{
    if (resize != Resize::ShorterSideCentreCrop) {
        return r;
    }
    // OFA: transforms.Resize(int(math.ceil(image_size / 0.875))); the same double division.
    return static_cast<int>(std::ceil(static_cast<double>(r) / cropFraction));
}

std::string InputContract::validate() const
{
    const size_t n = static_cast<size_t>(channels);
    if (channels != 1 && channels != 3) {
        return "channels: " + std::to_string(channels) + " (1 or 3 expected)";
    }
    if ((colour == ColourOrder::Gray) != (channels == 1)) {
        return std::string("colour: '") + colourOrderName(colour) + "' with " +
               std::to_string(channels) + " channels (gray needs 1, rgb and bgr need 3)";
    }
    if (mean.size() != n || std.size() != n) {
        return "mean/std: " + std::to_string(mean.size()) + "/" + std::to_string(std.size()) +
               " values for " + std::to_string(channels) + " channels";
    }
    for (float s : std) {
        if (!(s > 0)) {
            return "std: " + listText(std) + " (every value must be positive)";
        }
    }
    if (resize == Resize::ShorterSideCentreCrop && !(cropFraction > 0 && cropFraction <= 1)) {
        return "resize.crop_fraction: " + std::to_string(cropFraction) + " (0 < f <= 1 expected)";
    }
    if (resize == Resize::GrayCentreSquare) {
        if (channels != 1) {
            return "resize: gray-centre-square needs 1 channel, not " + std::to_string(channels);
        }
        if (nativeSize <= 0) {
            return "resize.native_size: " + std::to_string(nativeSize) + " (positive expected)";
        }
    }
    if (resolutions.empty()) {
        return "resolutions: empty";
    }
    for (size_t i = 0; i < resolutions.size(); ++i) {
        if (resolutions[i] <= 0 || (i > 0 && resolutions[i] <= resolutions[i - 1])) {
            return "resolutions: " + listText(resolutions) + " (positive and ascending expected)";
        }
    }
    if (classNames.empty()) {
        return "class_names: empty";
    }
    for (size_t i = 0; i < classNames.size(); ++i) {
        if (classNames[i].empty()) {
            return "class_names[" + std::to_string(i) + "]: empty";
        }
    }
    return {};
}

std::string InputContract::mismatchWith(const SupernetSpec& spec) const
{
    auto differs = [&](const std::string& field, const std::string& ours,
                       const std::string& specs) {
        return field + ": the input contract says " + ours + ", the spec '" + spec.name +
               "' says " + specs;
    };
    if (channels != spec.inChannels) {
        return differs("channels", std::to_string(channels), std::to_string(spec.inChannels));
    }
    if (mean != spec.mean) {
        return differs("mean", listText(mean), listText(spec.mean));
    }
    if (std != spec.std) {
        return differs("std", listText(std), listText(spec.std));
    }
    if (resolutions != spec.resolutions) {
        return differs("resolutions", listText(resolutions), listText(spec.resolutions));
    }
    if (classNames.size() != static_cast<size_t>(spec.numClasses)) {
        return differs("class_names", std::to_string(classNames.size()) + " names",
                       std::to_string(spec.numClasses) + " classes");
    }
    return {};
}

QJsonObject InputContract::toJson() const
{
    QJsonObject rule{{"rule", resizeName(resize)}};
    if (resize == Resize::ShorterSideCentreCrop) {
        rule.insert("crop_fraction", cropFraction);
    } else {
        rule.insert("native_size", nativeSize);
        rule.insert("invert", invertName(invert));
    }
    return QJsonObject{{"channels", channels},
                       {"colour", colourOrderName(colour)},
                       {"mean", toArray(mean)},
                       {"std", toArray(std)},
                       {"resize", rule},
                       {"resolutions", toArray(resolutions)},
                       {"class_names", toArray(classNames)}};
}

InputContract InputContract::fromJson(const QJsonObject& json)
{
    InputContract c;
    c.channels = intField(json, "channels", "channels");
    c.colour = enumField(json, "colour", "colour", kColours);
    c.mean = floatList(json, "mean", "mean");
    c.std = floatList(json, "std", "std");
    const QJsonValue resizeValue = required(json, "resize", "resize");
    if (!resizeValue.isObject()) {
        badField("resize", "not an object");
    }
    const QJsonObject rule = resizeValue.toObject();
    c.resize = enumField(rule, "rule", "resize.rule", kResizes);
    if (c.resize == Resize::ShorterSideCentreCrop) {
        c.cropFraction = numberField(rule, "crop_fraction", "resize.crop_fraction");
    } else {
        c.nativeSize = intField(rule, "native_size", "resize.native_size");
        c.invert = enumField(rule, "invert", "resize.invert", kInverts);
    }
    const QJsonArray res = arrayField(json, "resolutions", "resolutions");
    for (qsizetype i = 0; i < res.size(); ++i) {
        const double d = res[i].toDouble(std::nan(""));
        if (!res[i].isDouble() || d != std::floor(d)) {
            badField("resolutions[" + std::to_string(i) + "]", "not an integer");
        }
        c.resolutions.push_back(static_cast<int>(d));
    }
    const QJsonArray names = arrayField(json, "class_names", "class_names");
    for (qsizetype i = 0; i < names.size(); ++i) {
        if (!names[i].isString()) {
            badField("class_names[" + std::to_string(i) + "]", "not a string");
        }
        c.classNames.push_back(names[i].toString().toStdString());
    }
    if (const std::string why = c.validate(); !why.empty()) {
        throw std::runtime_error("input." + why);
    }
    return c;
}

InputContract InputContract::fashionMnist(const SupernetSpec& spec)
{
    const std::vector<std::string>& names = FashionMnist::classNames();
    if (spec.inChannels != 1 || spec.numClasses != static_cast<int>(names.size())) {
        throw std::invalid_argument(
            "spec '" + spec.name + "' has " + std::to_string(spec.inChannels) +
            " input channels and " + std::to_string(spec.numClasses) +
            " classes; the Fashion-MNIST contract needs 1 and " + std::to_string(names.size()));
    }
    InputContract c = fromSpec(spec);
    c.colour = ColourOrder::Gray;
    c.resize = Resize::GrayCentreSquare;
    c.nativeSize = 28;
    c.invert = Invert::Auto;
    c.classNames = names;
    return c;
}

InputContract InputContract::imagenet(const SupernetSpec& spec, std::vector<std::string> classNames)
{
    if (spec.inChannels != 3) {
        throw std::invalid_argument("spec '" + spec.name + "' has " +
                                    std::to_string(spec.inChannels) +
                                    " input channels; the ImageNet contract needs 3");
    }
    if (classNames.size() != static_cast<size_t>(spec.numClasses)) {
        throw std::invalid_argument(
            std::to_string(classNames.size()) + " class names for a classifier with " +
            std::to_string(spec.numClasses) + " outputs (spec '" + spec.name + "')");
    }
    InputContract c = fromSpec(spec);
    // torchvision decodes with PIL, which gives RGB; OFA's eval pipeline never reorders.
    c.colour = ColourOrder::RGB;
    c.resize = Resize::ShorterSideCentreCrop;
    c.cropFraction = 0.875;
    c.classNames = std::move(classNames);
    return c;
}

InputContract InputContract::legacyDefault(const SupernetSpec& spec)
{
    if (spec.inChannels == 1 &&
        spec.numClasses == static_cast<int>(FashionMnist::classNames().size())) {
        return fashionMnist(spec);
    }
    if (spec.inChannels == 3) {
        return imagenet(spec, spec.numClasses == 1000 ? imagenet1kClassNames()
                                                      : genericClassNames(spec.numClasses));
    }
    InputContract c = fromSpec(spec);
    c.colour = spec.inChannels == 1 ? ColourOrder::Gray : ColourOrder::RGB;
    c.resize = spec.inChannels == 1 ? Resize::GrayCentreSquare : Resize::ShorterSideCentreCrop;
    c.classNames = genericClassNames(spec.numClasses);
    return c;
}

const std::vector<std::string>& InputContract::imagenet1kClassNames()
{
    static const std::vector<std::string> names = [] {
        QFile f(QString::fromLatin1(kImagenetResource));
        if (!f.open(QIODevice::ReadOnly)) {
            // Only a broken build gets here: the file is compiled into dofa_core.
            throw std::runtime_error(std::string(kImagenetResource) +
                                     ": not compiled into this binary");
        }
        std::vector<std::string> v = parseClassNames(f.readAll(), kImagenetResource);
        if (v.size() != 1000) {
            throw std::runtime_error(std::string(kImagenetResource) + ": " +
                                     std::to_string(v.size()) + " names, 1000 expected");
        }
        return v;
    }();
    return names;
}

std::vector<std::string> InputContract::readClassNames(const std::string& path)
{
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly)) {
        throw std::runtime_error(path + ": cannot read class names (" +
                                 f.errorString().toStdString() + ")");
    }
    return parseClassNames(f.readAll(), path);
}

}  // namespace dofa
