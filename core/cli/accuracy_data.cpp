// SPDX-License-Identifier: MIT
#include "accuracy_data.h"

#include <QDir>
#include <QFileInfo>
#include <algorithm>
#include <cstdio>
#include <optional>

#include "cli_support.h"
#include "data/folder_image_set.h"
#include "data/image_folder.h"
#include "data/image_loader.h"
#include "data/model_image_folder.h"
#include "data/tensor_image_set.h"
#include "sources/frame_converter.h"
#include "train/augmented_tensor_set.h"

namespace dofa {

namespace {

bool isFashionMnistDir(const QString& dir)
{
    const QDir d(dir);
    return d.exists("t10k-images-idx3-ubyte.gz") || d.exists("t10k-images-idx3-ubyte");
}

AccuracyData fashionMnist(const QString& dir, const ModelFile& model,
                          const AccuracyDataOptions& options)
{
    if (model.spec.inChannels != 1)
        throw UsageError("model " + model.spec.name + " takes " +
                         std::to_string(model.spec.inChannels) +
                         "-channel images: pass an image folder with --data (and --calib-data)");
    const FashionMnist train = loadFashionMnist(dir, FashionMnist::Split::Train);
    const FashionMnist test = loadFashionMnist(dir, FashionMnist::Split::Test);
    BnCalibrationOptions calibration;
    calibration.images = options.calibrationImages;
    calibration.seed = options.seed;
    AccuracyData data;
    data.evaluation = std::make_shared<TensorImageSet>(
        TensorImageSet(test.images, test.labels, "fashion-mnist test (10k)").first(options.limit));
    if (options.searchImages <= 0) {
        data.calibration = std::make_shared<AugmentedTensorSet>(train.images, calibration);
        return data;
    }
    // The search ranks on training images that calibration never sees.
    const std::int64_t heldOut = std::min<std::int64_t>(options.searchImages, train.size() / 5);
    const std::int64_t pool = train.size() - heldOut;
    data.calibration =
        std::make_shared<AugmentedTensorSet>(train.images.narrow(0, 0, pool), calibration);
    data.search = std::make_shared<TensorImageSet>(
        train.images.narrow(0, pool, heldOut), train.labels.narrow(0, pool, heldOut),
        "fashion-mnist train[" + std::to_string(pool) + ":" + std::to_string(train.size()) +
            "] (held out from training)");
    return data;
}

ImageFolder openFolder(const std::string& dir, const ModelFile& model)
{
    std::string note;
    try {
        ImageFolder folder = openImageFolderForModel(dir, model.classNames(), &note);
        std::fprintf(stderr, "note: %s\n", note.c_str());
        return folder;
    } catch (const std::exception& e) {
        throw InputError(e.what());
    }
}

void warn(const std::string& message)
{
    std::fprintf(stderr, "warning: %s\n", message.c_str());
}

/// One part of an image-folder split: its samples, the folder they were listed from, and a
/// name for a reader.
struct FolderPart
{
    std::vector<ImageSample> samples;
    std::string root;
    std::string name;
};

/// A gray model (Fashion-MNIST's contract) on an image folder: every image decoded once and
/// converted as a camera frame is (FrameConverter: gray, centre square, INTER_AREA to the
/// native size, inversion by the contract's rule), then held in memory like the data set's own
/// images, on which the model's resize to each level's resolution runs. Images that do not
/// decode are skipped with a warning.
struct GrayImages
{
    torch::Tensor images;  ///< uint8 (N, n, n)
    torch::Tensor labels;  ///< int64 (N)
    std::string identity;  ///< FolderImageSet::identity of the samples
};

GrayImages decodeGray(const FolderPart& part, const ModelFile& model)
{
    FrameConverter converter(model.inputContract());
    std::vector<torch::Tensor> images;
    std::vector<std::int64_t> labels;
    for (const ImageSample& s : part.samples) {
        std::string error;
        const cv::Mat decoded = ImageLoader::decode(s.path, error);
        if (decoded.empty()) {
            warn(s.path + ": " + error + " (skipped)");
            continue;
        }
        images.push_back(converter.toTensor(decoded)[0]);
        labels.push_back(s.label);
    }
    if (images.empty())
        throw InputError(part.name + ": no image decodes");
    return {torch::stack(images), torch::tensor(labels, torch::kInt64),
            FolderImageSet::identity(part.samples, part.root)};
}

AccuracyData imageFolders(const QString& dataDir, const QString& calibDir, const ModelFile& model,
                          const AccuracyDataOptions& options)
{
    const InputContract& contract = model.inputContract();
    const bool gray = contract.resize == InputContract::Resize::GrayCentreSquare;
    if (!gray && (contract.cropFraction != 0.875 || contract.channels != 3))
        throw UsageError("model " + model.spec.name +
                         ": image folders are read with OFA's ImageNet transform (3 channels, "
                         "shorter side to r/0.875, centre crop) or Fashion-MNIST's gray one; "
                         "this model's input contract is another (" +
                         std::string(resizeName(contract.resize)) + ", " +
                         std::to_string(contract.channels) + " channels)");

    // The split: evaluation (a seeded subset under --limit), calibration and search.
    const ImageFolder evalFolder = openFolder(dataDir.toStdString(), model);
    for (const std::string& w : evalFolder.warnings())
        warn(w);
    const std::string seedText = ", seed " + std::to_string(options.seed);
    FolderPart evaluation{
        evalFolder.samples(), evalFolder.root(),
        evalFolder.root() + " (" + std::to_string(evalFolder.size()) + " images)"};
    if (options.limit > 0 && static_cast<size_t>(options.limit) < evalFolder.size())
        evaluation = {evalFolder.subset(static_cast<size_t>(options.limit), options.seed).samples(),
                      evalFolder.root(),
                      evalFolder.root() + " (" + std::to_string(options.limit) + " of " +
                          std::to_string(evalFolder.size()) + " images" + seedText + ")"};
    const ImageFolder calibFolder =
        calibDir.isEmpty() ? evalFolder : openFolder(calibDir.toStdString(), model);
    if (!calibDir.isEmpty())
        for (const std::string& w : calibFolder.warnings())
            warn(w);
    const std::string from =
        calibFolder.root() +
        (calibDir.isEmpty() ? " (the evaluation folder: no --calib-data)" : "");
    // One seeded order of the calibration source: calibration takes its head, the search set
    // the images after it, so the two never share an image.
    const std::vector<ImageSample> order =
        calibFolder.subset(calibFolder.size(), options.seed).samples();
    const size_t calibCount =
        std::min(order.size(), static_cast<size_t>(options.calibrationImages));
    const FolderPart calibration{
        std::vector<ImageSample>(order.begin(), order.begin() + static_cast<long>(calibCount)),
        calibFolder.root(), from + ", " + std::to_string(calibCount) + " images" + seedText};
    std::optional<FolderPart> search;
    if (options.searchImages > 0) {
        const size_t searchCount =
            std::min(order.size() - calibCount, static_cast<size_t>(options.searchImages));
        if (searchCount == 0)
            throw InputError(from + ": all " + std::to_string(order.size()) +
                             " images go to BN calibration (--calib-images " +
                             std::to_string(options.calibrationImages) +
                             "); the search needs images held out from it");
        search = FolderPart{
            std::vector<ImageSample>(order.begin() + static_cast<long>(calibCount),
                                     order.begin() + static_cast<long>(calibCount + searchCount)),
            calibFolder.root(),
            from + ", " + std::to_string(searchCount) + " images after the calibration's" +
                seedText + " (held out from calibration)"};
    }

    AccuracyData data;
    if (gray) {
        // In memory, named by the files' identity so that accuracy caches follow the data.
        auto tensorSet = [&](const FolderPart& part) {
            const GrayImages g = decodeGray(part, model);
            return std::make_shared<TensorImageSet>(g.images, g.labels, "gray, " + g.identity);
        };
        data.evaluation = tensorSet(evaluation);
        const GrayImages c = decodeGray(calibration, model);
        BnCalibrationOptions o;
        o.images = static_cast<int>(c.images.size(0));
        o.seed = options.seed;
        data.calibration = std::make_shared<AugmentedTensorSet>(c.images, o, c.identity);
        if (search)
            data.search = tensorSet(*search);
        return data;
    }
    FolderImageSet::Options o;
    o.threads = options.decodeThreads;
    o.seed = options.seed;
    o.onWarning = warn;
    auto folderSet = [&](const FolderPart& part, FolderImageSet::Use use) {
        o.root = part.root;
        return std::make_shared<FolderImageSet>(part.samples, part.name, use, o);
    };
    data.evaluation = folderSet(evaluation, FolderImageSet::Use::Evaluation);
    data.calibration = folderSet(calibration, FolderImageSet::Use::Calibration);
    if (search)
        data.search = folderSet(*search, FolderImageSet::Use::Evaluation);
    return data;
}

}  // namespace

AccuracyData loadAccuracyData(const QString& dataDir, const QString& calibDir,
                              const ModelFile& model, const AccuracyDataOptions& options)
{
    if (dataDir.isEmpty() || isFashionMnistDir(dataDir)) {
        if (!calibDir.isEmpty())
            throw UsageError(
                "--calib-data is for image folders; Fashion-MNIST calibrates on its "
                "own training images");
        return fashionMnist(dataDir, model, options);
    }
    if (!QFileInfo(dataDir).isDir())
        throw InputError(dataDir.toStdString() +
                         ": no such directory (--data takes a Fashion-MNIST directory, as "
                         "Debian's dataset-fashion-mnist installs, or an image folder)");
    return imageFolders(dataDir, calibDir, model, options);
}

}  // namespace dofa
