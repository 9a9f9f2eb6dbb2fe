// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <string>
#include <vector>

namespace dofa {

struct SupernetSpec;

/// How an image becomes the network's input, and what its outputs mean: the model's input
/// contract, stored in the model file next to the spec so that every consumer (frame
/// converter, evaluation, dashboard) reads it instead of a constant.
///
/// One source of truth: channels, mean, std and resolutions are the spec's. The spec is what
/// the network is built from and what training normalised with, so the factories copy them
/// from it, and ModelFile::save and ModelFile::load refuse a contract whose numbers differ
/// from its spec's (mismatchWith()). The contract repeats them so that it alone is the whole
/// recipe for a consumer and for anyone reading the header without dofa.
///
/// Pixel values are scaled to [0, 1] before normalisation: x' = (x / 255 - mean[c]) / std[c].
struct InputContract
{
    enum class ColourOrder { Gray, RGB, BGR };

    enum class Resize {
        /// OFA's ImageNet evaluation: bilinear resize of the shorter side to
        /// ceil(r / cropFraction), then a centre crop of r x r.
        ShorterSideCentreCrop,
        /// Fashion-MNIST: grayscale, centre square crop, INTER_AREA resize to nativeSize (the
        /// data set's own image size), inversion by the `invert` rule, then the bilinear
        /// resize to r that training and evaluation apply to the data set's images too.
        GrayCentreSquare,
    };

    /// Fashion-MNIST is light-on-dark, a garment photographed on a table usually dark-on-light.
    /// Auto decides per frame (FrameConverter::looksDarkOnLight: the outer ring brighter than
    /// the centre) and never flips a frame already at nativeSize (a data set image).
    enum class Invert { Auto, Never, Always };

    int channels = 0;  ///< 0: not set (a default-constructed contract)
    ColourOrder colour = ColourOrder::Gray;
    std::vector<float> mean;  ///< per channel, on the [0, 1] scale
    std::vector<float> std;
    Resize resize = Resize::GrayCentreSquare;
    double cropFraction = 0.875;          ///< ShorterSideCentreCrop only
    int nativeSize = 28;                  ///< GrayCentreSquare only
    Invert invert = Invert::Auto;         ///< GrayCentreSquare only
    std::vector<int> resolutions;         ///< the input sizes levels may use, ascending
    std::vector<std::string> classNames;  ///< index = classifier output

    [[nodiscard]] bool isSet() const { return channels > 0; }

    /// ShorterSideCentreCrop: the shorter side's length before the crop for resolution `r`
    /// (ceil(r / cropFraction), as OFA's Python computes it in doubles); otherwise `r`.
    [[nodiscard]] int resizeShorterSideTo(int r) const;

    /// Empty when the contract is consistent in itself, else a message naming the field.
    [[nodiscard]] std::string validate() const;
    /// Empty when channels, mean, std, resolutions and the number of class names equal what
    /// `spec` says, else a message naming the first field that differs.
    [[nodiscard]] std::string mismatchWith(const SupernetSpec& spec) const;

    [[nodiscard]] QJsonObject toJson() const;
    /// Throws std::runtime_error naming the bad field ("input.mean: ...").
    static InputContract fromJson(const QJsonObject& json);

    /// dofa's Fashion-MNIST contract: gray, GrayCentreSquare from 28 x 28, Invert::Auto, the
    /// data set's 10 class names. Throws std::invalid_argument unless `spec` has one input
    /// channel and 10 classes.
    static InputContract fashionMnist(const SupernetSpec& spec);
    /// OFA's ImageNet evaluation contract: RGB, ShorterSideCentreCrop at 0.875. Throws
    /// std::invalid_argument unless `spec` has three input channels and `classNames` one name
    /// per class.
    static InputContract imagenet(const SupernetSpec& spec, std::vector<std::string> classNames);
    /// The contract of a model file written before contracts existed: Fashion-MNIST for a
    /// 1-channel, 10-class spec (dofa train's), ImageNet for a 3-channel one (dofa import-ofa's,
    /// with the ImageNet-1k names for 1000 classes); other shapes get "class N" names.
    static InputContract legacyDefault(const SupernetSpec& spec);

    /// The 1000 ImageNet-1k class names in class-index order, from
    /// resources/imagenet-1k-classes.txt compiled into the binary.
    static const std::vector<std::string>& imagenet1kClassNames();
    /// One class name per line (UTF-8, surrounding blanks and a trailing "\r" removed, trailing
    /// empty lines ignored). Throws std::runtime_error naming the file (and line) on an
    /// unreadable file, an empty name or no names at all.
    static std::vector<std::string> readClassNames(const std::string& path);
};

const char* colourOrderName(InputContract::ColourOrder c);
const char* resizeName(InputContract::Resize r);
const char* invertName(InputContract::Invert i);

}  // namespace dofa
