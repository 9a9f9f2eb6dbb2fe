// SPDX-License-Identifier: MIT
#include "sources/source_factory.h"

#include <stdexcept>

#include "data/fashion_mnist.h"
#include "data/model_image_folder.h"
#include "sources/capture_source.h"
#include "sources/dataset_replay_source.h"
#include "sources/folder_replay_source.h"

namespace dofa {

std::unique_ptr<FrameSource> openSource(const SourceSpec& spec, const SourceOptions& options)
{
    CaptureOptions capture;
    capture.fps = options.fps;
    capture.loop = options.loop;
    capture.limit = options.limit;

    switch (spec.kind) {
        case SourceSpec::Kind::Dataset: {
            const bool train = spec.value == "train";
            const std::string dir =
                options.datasetDir.empty() ? FashionMnist::defaultDir() : options.datasetDir;
            DatasetReplayOptions replay;
            replay.loop = options.loop;
            replay.fps = options.fps;
            replay.limit = options.limit;
            replay.name = train ? "Fashion-MNIST training set" : "Fashion-MNIST test set";
            return std::make_unique<DatasetReplaySource>(
                FashionMnist::load(dir,
                                   train ? FashionMnist::Split::Train : FashionMnist::Split::Test),
                replay);
        }
        case SourceSpec::Kind::Camera:
            return CaptureSource::openCamera(spec.cameraIndex(), capture);
        case SourceSpec::Kind::File:
            return CaptureSource::openFile(spec.value, capture);
        case SourceSpec::Kind::GStreamer:
            return CaptureSource::openGStreamer(spec.value, capture);
        case SourceSpec::Kind::Folder: {
            FolderReplayOptions replay;
            replay.loop = options.loop;
            replay.fps = options.fps;
            replay.limit = options.limit;
            return std::make_unique<FolderReplaySource>(
                options.classNames.empty()
                    ? ImageFolder::open(spec.value)
                    : openImageFolderForModel(spec.value, options.classNames),
                replay);
        }
    }
    throw std::invalid_argument("openSource: unknown source kind in '" + spec.toString() + "'");
}

}  // namespace dofa
