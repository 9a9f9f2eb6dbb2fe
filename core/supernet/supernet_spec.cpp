// SPDX-License-Identifier: MIT
#include "supernet_spec.h"

#include <QJsonArray>
#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace dofa {

int makeDivisible(double v, int divisor)
{
    int rounded = std::max(divisor, static_cast<int>(v + divisor / 2.0) / divisor * divisor);
    if (rounded < 0.9 * v) {
        rounded += divisor;
    }
    return rounded;
}

const char* activationName(Activation a)
{
    return a == Activation::ReLU ? "relu" : "h_swish";
}

int SupernetSpec::blockInChannels(int i) const
{
    const int stage = stageOf(i);
    if (i % maxDepth() != 0) {
        return stages[stage].width;
    }
    return stage == 0 ? firstBlockWidth : stages[stage - 1].width;
}

int SupernetSpec::blockStride(int i) const
{
    return i % maxDepth() == 0 ? stages[stageOf(i)].stride : 1;
}

bool SupernetSpec::blockHasShortcut(int i) const
{
    return blockStride(i) == 1 && blockInChannels(i) == blockOutChannels(i);
}

int SupernetSpec::midChannels(int inChannels, int e)
{
    return makeDivisible(std::round(static_cast<double>(inChannels) * e), 8);
}

int SupernetSpec::seMidChannels(int mid)
{
    // SEModule.REDUCTION = 4, integer division before rounding, as OFA does.
    return makeDivisible(mid / 4, 8);
}

namespace {

bool ascendingPositive(const std::vector<int>& v)
{
    if (v.empty() || v.front() <= 0) {
        return false;
    }
    return std::adjacent_find(v.begin(), v.end(), std::greater_equal<int>()) == v.end();
}

}  // namespace

std::string SupernetSpec::validate() const
{
    std::ostringstream err;
    if (name.empty()) {
        err << "name is empty";
    } else if (inChannels <= 0 || numClasses <= 0) {
        err << "inChannels and numClasses must be positive";
    } else if (stages.empty()) {
        err << "no stages";
    } else if (!ascendingPositive(kernelSizes)) {
        err << "kernelSizes must be ascending and positive";
    } else if (std::any_of(kernelSizes.begin(), kernelSizes.end(),
                           [](int k) { return k % 2 == 0 || k > 9; })) {
        err << "kernelSizes must be odd and at most 9";
    } else if (!ascendingPositive(expandRatios) || expandRatios.back() > 9) {
        err << "expandRatios must be ascending, positive and at most 9";
    } else if (!ascendingPositive(depths) || depths.back() > 9) {
        err << "depths must be ascending, positive and at most 9";
    } else if (!ascendingPositive(resolutions)) {
        err << "resolutions must be ascending and positive";
    } else if (static_cast<int>(mean.size()) != inChannels ||
               static_cast<int>(std.size()) != inChannels) {
        err << "mean and std need one value per input channel (" << inChannels << ")";
    } else if (std::any_of(stages.begin(), stages.end(),
                           [](const StageSpec& s) { return s.width <= 0 || s.stride < 1; })) {
        err << "every stage needs a positive width and stride";
    }
    return err.str();
}

namespace {

QJsonArray toArray(const std::vector<int>& v)
{
    QJsonArray a;
    for (int x : v) {
        a.append(x);
    }
    return a;
}

QJsonArray toArray(const std::vector<float>& v)
{
    QJsonArray a;
    for (float x : v) {
        a.append(static_cast<double>(x));
    }
    return a;
}

// By value: callers pass o.value(field), a temporary that a returned reference would outlive.
QJsonValue require(const QJsonValue& v, const char* field)
{
    if (v.isUndefined() || v.isNull()) {
        throw std::runtime_error(std::string("supernet spec: missing field '") + field + "'");
    }
    return v;
}

int intField(const QJsonObject& o, const char* field)
{
    const QJsonValue v = require(o.value(field), field);
    if (!v.isDouble()) {
        throw std::runtime_error(std::string("supernet spec: field '") + field +
                                 "' must be a number");
    }
    return v.toInt();
}

template <typename T>
std::vector<T> listField(const QJsonObject& o, const char* field)
{
    const QJsonValue v = require(o.value(field), field);
    if (!v.isArray()) {
        throw std::runtime_error(std::string("supernet spec: field '") + field +
                                 "' must be a list");
    }
    std::vector<T> out;
    for (const QJsonValue& x : v.toArray()) {
        if (!x.isDouble()) {
            throw std::runtime_error(std::string("supernet spec: field '") + field +
                                     "' must hold numbers");
        }
        out.push_back(static_cast<T>(x.toDouble()));
    }
    return out;
}

}  // namespace

QJsonObject SupernetSpec::toJson() const
{
    QJsonArray stageArray;
    for (const StageSpec& s : stages) {
        stageArray.append(QJsonObject{{"width", s.width},
                                      {"stride", s.stride},
                                      {"act", activationName(s.act)},
                                      {"se", s.se}});
    }
    return QJsonObject{{"name", QString::fromStdString(name)},
                       {"in_channels", inChannels},
                       {"num_classes", numClasses},
                       {"stem_width", stemWidth},
                       {"stem_stride", stemStride},
                       {"first_block_width", firstBlockWidth},
                       {"stages", stageArray},
                       {"final_expand_width", finalExpandWidth},
                       {"last_channel", lastChannel},
                       {"ks", toArray(kernelSizes)},
                       {"e", toArray(expandRatios)},
                       {"d", toArray(depths)},
                       {"r", toArray(resolutions)},
                       {"mean", toArray(mean)},
                       {"std", toArray(std)},
                       {"bn_eps", bnEps},
                       {"bn_momentum", bnMomentum}};
}

SupernetSpec SupernetSpec::fromJson(const QJsonObject& o)
{
    SupernetSpec s;
    s.name = require(o.value("name"), "name").toString().toStdString();
    s.inChannels = intField(o, "in_channels");
    s.numClasses = intField(o, "num_classes");
    s.stemWidth = intField(o, "stem_width");
    s.stemStride = intField(o, "stem_stride");
    s.firstBlockWidth = intField(o, "first_block_width");
    for (const QJsonValue& v : require(o.value("stages"), "stages").toArray()) {
        const QJsonObject so = v.toObject();
        StageSpec st;
        st.width = intField(so, "width");
        st.stride = intField(so, "stride");
        const QString act = require(so.value("act"), "act").toString();
        if (act != "relu" && act != "h_swish") {
            throw std::runtime_error("supernet spec: unknown activation '" + act.toStdString() +
                                     "' (relu or h_swish)");
        }
        st.act = act == "relu" ? Activation::ReLU : Activation::HSwish;
        st.se = so.value("se").toBool();
        s.stages.push_back(st);
    }
    s.finalExpandWidth = intField(o, "final_expand_width");
    s.lastChannel = intField(o, "last_channel");
    s.kernelSizes = listField<int>(o, "ks");
    s.expandRatios = listField<int>(o, "e");
    s.depths = listField<int>(o, "d");
    s.resolutions = listField<int>(o, "r");
    s.mean = listField<float>(o, "mean");
    s.std = listField<float>(o, "std");
    s.bnEps = o.value("bn_eps").toDouble(1e-5);
    s.bnMomentum = o.value("bn_momentum").toDouble(0.1);
    if (const std::string err = s.validate(); !err.empty()) {
        throw std::runtime_error("supernet spec '" + s.name + "': " + err);
    }
    return s;
}

namespace {

SupernetSpec ofaMobileNetV3(double widthMult, const std::string& name, int minResolution)
{
    // base_stage_width of OFAMobileNetV3 (the constructor overwrites its argument).
    const int base[] = {16, 16, 24, 40, 80, 112, 160, 960, 1280};
    auto w = [&](int i) { return makeDivisible(base[i] * widthMult, 8); };
    SupernetSpec s;
    s.name = name;
    s.inChannels = 3;
    s.numClasses = 1000;
    s.stemWidth = w(0);
    s.stemStride = 2;
    s.firstBlockWidth = w(1);
    const int strides[] = {2, 2, 2, 1, 2};
    const Activation acts[] = {Activation::ReLU, Activation::ReLU, Activation::HSwish,
                               Activation::HSwish, Activation::HSwish};
    const bool se[] = {false, true, false, true, true};
    for (int i = 0; i < 5; ++i) {
        s.stages.push_back(StageSpec{w(i + 2), strides[i], acts[i], se[i]});
    }
    // final_expand_width and last_channel are make_divisible'd like the stage widths.
    s.finalExpandWidth = w(7);
    s.lastChannel = w(8);
    s.kernelSizes = {3, 5, 7};
    s.expandRatios = {3, 4, 6};
    s.depths = {2, 3, 4};
    for (int r = minResolution; r <= 224; r += 4) {
        s.resolutions.push_back(r);
    }
    s.mean = {0.485f, 0.456f, 0.406f};
    s.std = {0.229f, 0.224f, 0.225f};
    return s;
}

SupernetSpec fashionMnistSmall()
{
    // dofa's own preset, sized so that progressive shrinking fits in about an hour on two
    // CPU cores: a stride-2 stem takes 28-32 px images to 14-16 px, two stride-2 stages take
    // them to 4 px, and two stride-1 stages add capacity where pixels are cheap.
    // Kernels stop at 5 (a 7x7 depthwise kernel covers a whole 4x4 map and costs 3x in
    // backward on CPU); expand ratios and depths are one step smaller than OFA's.
    SupernetSpec s;
    s.name = "fmnist-mbv3";
    s.inChannels = 1;
    s.numClasses = 10;
    s.stemWidth = 16;
    s.stemStride = 2;
    s.firstBlockWidth = 16;
    s.stages = {
        StageSpec{24, 2, Activation::ReLU, false},
        StageSpec{32, 2, Activation::ReLU, true},
        StageSpec{48, 1, Activation::HSwish, false},
        StageSpec{64, 1, Activation::HSwish, true},
    };
    s.finalExpandWidth = 256;
    s.lastChannel = 512;
    s.kernelSizes = {3, 5};
    s.expandRatios = {2, 3, 4};
    s.depths = {1, 2, 3};
    s.resolutions = {24, 28, 32};
    // Fashion-MNIST training-set pixel statistics.
    s.mean = {0.2860f};
    s.std = {0.3530f};
    return s;
}

}  // namespace

std::vector<std::string> SupernetSpec::presetNames()
{
    return {"ofa-mbv3-w1.0", "ofa-mbv3-w1.2", "fmnist-mbv3"};
}

SupernetSpec SupernetSpec::preset(const std::string& name)
{
    if (name == "ofa-mbv3-w1.0") {
        return ofaMobileNetV3(1.0, name, 128);
    }
    if (name == "ofa-mbv3-w1.2") {
        return ofaMobileNetV3(1.2, name, 160);
    }
    if (name == "fmnist-mbv3") {
        return fashionMnistSmall();
    }
    std::string known;
    for (const std::string& n : presetNames()) {
        known += (known.empty() ? "" : ", ") + n;
    }
    throw std::invalid_argument("unknown supernet preset '" + name + "' (known: " + known + ")");
}

}  // namespace dofa
