// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

namespace dofa {

/// PIL's Image.resize(size, BILINEAR) on 8-bit images of one input size, to one output size,
/// restricted to one region of the output: the filter taps are computed once, and the buffers
/// of the two passes are kept between calls. A camera delivers frames of one size, so a
/// converter keeps one of these per (frame size, resolution) and a frame costs only the two
/// passes, with no allocation (bench/image_data_bench measures it).
///
/// The arithmetic is PIL's (Resample.c): pixel centres at (x + 0.5) * scale, a triangle of
/// half-width 1 stretched by the scale when downscaling (the antialiasing cv::INTER_LINEAR
/// lacks), weights normalised and rounded to 22 fraction bits, the horizontal pass first and
/// rounded to 8 bits, then the vertical. Restricting the output to a region (a centre crop)
/// gives the same pixels as resizing fully and cropping after, without computing the discarded
/// ones. Channels are filtered alike, so a BGR frame resized and read back as RGB planes equals
/// an RGB image resized.
class PilBilinearResize
{
public:
    /// `region` empty: the whole output. Throws std::invalid_argument on an empty size or a
    /// region outside the output.
    PilBilinearResize(cv::Size input, cv::Size output, cv::Rect region = {});

    [[nodiscard]] cv::Size inputSize() const { return m_input; }
    [[nodiscard]] cv::Size outputSize() const { return m_output; }
    [[nodiscard]] cv::Rect region() const { return m_region; }

    /// Splits both passes' rows over the calling thread's intra-op threads (at::parallel_for;
    /// the pixels are the same). For a camera frame, converted while the inference threads
    /// wait for it; not for the folder reader, whose decoding threads already fill the cores.
    void setParallel(bool parallel) { m_parallel = parallel; }

    /// `src`: 8-bit, 1 to 4 channels, inputSize(). `dst` becomes region-sized of src's type;
    /// it is reallocated only when it is not already. Throws std::invalid_argument otherwise.
    void apply(const cv::Mat& src, cv::Mat& dst);

    /// The same pixels as planes: plane k (region width x height bytes, row after row, at
    /// `planes + k * area`) is the source channel `channelOf[k]`. BGR to RGB planes is
    /// {2, 1, 0}; gray to three equal planes {0, 0, 0}.
    void applyPlanar(const cv::Mat& src, std::uint8_t* planes, const std::array<int, 3>& channelOf);

private:
    /// Per output pixel, `width` fixed-point weights starting at input pixel `first[x]`: the
    /// windows are shifted inside the image and padded with zero weights, so that every pixel
    /// runs the same loop (a zero weight adds nothing: the sums are PIL's exactly).
    struct Taps
    {
        std::vector<int> first;
        std::vector<std::int32_t> weights;
        int width = 0;
    };
    static Taps bilinearTaps(int inSize, int outSize);

    void check(const cv::Mat& src) const;
    /// Both passes; `store(y, acc)` receives output row y's sums (region width x channels).
    template <typename Store>
    void run(const cv::Mat& src, Store&& store);

    cv::Size m_input, m_output;
    cv::Rect m_region;
    Taps m_horizontal, m_vertical;
    int m_rowFirst = 0, m_rowEnd = 0;  ///< input rows the region reads
    cv::Mat m_rows;                    ///< horizontal pass, 8-bit, input rows m_rowFirst..
    bool m_parallel = false;
};

}  // namespace dofa
