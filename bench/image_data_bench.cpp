// SPDX-License-Identifier: MIT
// The published-OFA data path against its peer, inference (issue "The published OFA model end
// to end"): images per second of the folder reader alone (decode on worker threads, OFA's eval
// transform at 224) and of `dofa eval`'s loop on OFA w1.0 max@224 over the same folder (reader
// and forward together), both on --threads threads; and the per-frame conversion of a 1280x720
// BGR camera frame into the model's tensor (FrameConverter with the ImageNet contract: PIL
// bilinear shorter side to 256, centre crop 224, into CHW planes), also switching resolution.
// Goals: the reader at least 3x faster than inference; the conversion at most 1 ms. The folder is
// made here with OpenCV's JPEG encoder (ImageNet-like 500x375 photos of noise and gradients).
// Asserts nothing. Usage: image_data_bench [--images N] [--threads N] [--batch N]
#include <QTemporaryDir>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include "data/folder_image_set.h"
#include "data/image_folder.h"
#include "model/inference_threads.h"
#include "sources/frame_converter.h"
#include "supernet/input_contract.h"
#include "supernet/supernet.h"
#include "train/evaluator.h"

using namespace dofa;

namespace {

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// A photo-like image: a smooth gradient under mild noise, so that JPEG sizes are realistic.
cv::Mat photo(int w, int h, std::mt19937& rng)
{
    cv::Mat image(h, w, CV_8UC3);
    std::uniform_int_distribution<int> noise(-20, 20);
    const int a = static_cast<int>(rng() % 200), b = static_cast<int>(rng() % 200);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            auto& p = image.at<cv::Vec3b>(y, x);
            p[0] = cv::saturate_cast<uchar>(a + x * 50 / w + noise(rng));
            p[1] = cv::saturate_cast<uchar>(b + y * 50 / h + noise(rng));
            p[2] = cv::saturate_cast<uchar>((x + y) * 100 / (w + h) + noise(rng));
        }
    return image;
}

}  // namespace

int main(int argc, char** argv)
{
    int images = 200, threads = 2, batch = 0;  // 0: evaluationBatch(224), as dofa eval
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--images") == 0)
            images = std::atoi(argv[i + 1]);
        else if (std::strcmp(argv[i], "--batch") == 0)
            batch = std::atoi(argv[i + 1]);
        else if (std::strcmp(argv[i], "--threads") == 0)
            threads = std::atoi(argv[i + 1]);
    }
    setInferenceThreads(threads);
    QTemporaryDir dir;
    std::mt19937 rng(1);
    for (int c = 0; c < 4; ++c)
        std::filesystem::create_directories(dir.path().toStdString() + "/class" +
                                            std::to_string(c));
    for (int i = 0; i < images; ++i)
        cv::imwrite(dir.path().toStdString() + "/class" + std::to_string(i % 4) + "/img" +
                        std::to_string(i) + ".jpg",
                    photo(500, 375, rng), {cv::IMWRITE_JPEG_QUALITY, 90});
    const ImageFolder folder = ImageFolder::open(dir.path().toStdString());
    FolderImageSet::Options o;
    o.threads = threads;
    const FolderImageSet set(folder.samples(), "bench", FolderImageSet::Use::Evaluation, o);
    std::printf("# image_data_bench: %d JPEG images 500x375, %d threads (%s)\n", images, threads,
                inferenceThreads().describe().c_str());

    // Reader alone.
    std::int64_t read = 0;
    auto start = std::chrono::steady_clock::now();
    set.forEachBatch(224, 50,
                     [&](const torch::Tensor& x, const torch::Tensor&) { read += x.size(0); });
    const double readerRate = static_cast<double>(read) / secondsSince(start);

    // Inference over the same folder (OFA w1.0 max@224, random weights: the cost is the same).
    torch::manual_seed(0);
    const SupernetSpec spec = SupernetSpec::preset("ofa-mbv3-w1.0");
    Supernet net(spec);
    net->eval();
    const StaticSubnet sub = net->extract(SubnetArch::max(spec));
    start = std::chrono::steady_clock::now();
    const Top1Result r = evaluateTop1(sub, spec, set, batch);
    const double evalRate = static_cast<double>(r.total) / secondsSince(start);
    std::printf("reader alone        %8.1f images/s\n", readerRate);
    std::printf("eval OFA max@224    %8.1f images/s (reader and forward, batch %d)\n", evalRate,
                batch > 0 ? batch : evaluationBatch(224));
    std::printf("reader / inference  %8.2fx (goal >= 3)\n", readerRate / evalRate);

    // Per-frame conversion of a 1280x720 BGR camera frame.
    const InputContract contract =
        InputContract::imagenet(spec, InputContract::imagenet1kClassNames());
    FrameConverter converter(contract);
    const cv::Mat frame = photo(1280, 720, rng);
    for (int i = 0; i < 10; ++i)
        (void)converter.convert(frame, 224);
    const int reps = 200;
    start = std::chrono::steady_clock::now();
    for (int i = 0; i < reps; ++i)
        (void)converter.convert(frame, 224);
    const double convertMs = secondsSince(start) * 1000 / reps;
    std::printf("convert 1280x720 BGR -> 1x3x224x224 %6.3f ms per frame (goal <= 1 ms)\n",
                convertMs);
    // The same with a level switch at every frame, over OFA's resolutions: the converter keeps
    // each resolution's resize and buffer, so switching costs nothing once each was seen.
    const std::vector<int> resolutions{160, 176, 192, 208, 224};
    start = std::chrono::steady_clock::now();
    for (int i = 0; i < reps; ++i)
        (void)converter.convert(frame, resolutions[static_cast<size_t>(i) % resolutions.size()]);
    std::printf("convert with a resolution switch every frame (160..224) %6.3f ms per frame\n",
                secondsSince(start) * 1000 / reps);
    // The peer, in the same run: OpenCV's own bilinear resize (not PIL's pixels: no
    // antialiasing), the same crop, colour swap and planes, single call per step.
    torch::Tensor planes = torch::empty({1, 3, 224, 224}, torch::kUInt8);
    cv::Mat resized, rgb;
    std::vector<cv::Mat> split;
    for (int k = 0; k < 3; ++k)
        split.emplace_back(224, 224, CV_8UC1, planes.data_ptr<std::uint8_t>() + k * 224 * 224);
    start = std::chrono::steady_clock::now();
    for (int i = 0; i < reps; ++i) {
        cv::resize(frame, resized, {455, 256}, 0, 0, cv::INTER_LINEAR);
        cv::cvtColor(resized(cv::Rect(116, 16, 224, 224)), rgb, cv::COLOR_BGR2RGB);
        cv::split(rgb, split);
    }
    const double peerMs = secondsSince(start) * 1000 / reps;
    std::printf(
        "peer: cv::resize INTER_LINEAR + crop + planes %6.3f ms per frame (dofa / peer "
        "%.2f)\n",
        peerMs, convertMs / peerMs);
    return 0;
}
