// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "model/compute_device.h"
#include "model/level_backend.h"
#include "runtime/level_table.h"
#include "search/profile.h"
#include "supernet/input_contract.h"
#include "supernet/static_subnet.h"
#include "supernet/supernet.h"

namespace dofa {

/// What a level switch cost: a cached level is a pointer swap, an uncached one an extraction.
struct LevelSwitch
{
    int from = -1;
    int to = -1;
    bool cached = false;  ///< true: the level was in the cache
    double ms = 0;        ///< wall time of setLevel
};

class OpenCvDnnLevel;

/// The torch::Device of a `--device` choice.
torch::Device torchDevice(const ComputeDevice& device);

/// Construction options of a DynamicModel.
struct DynamicModelOptions
{
    int cacheCapacity = 0;  ///< extracted levels kept (0: all)
    /// Where the levels run: each level's weights move there when it enters the cache, each
    /// input when it is run. A CUDA device needs a LibTorch with CUDA and the Torch backend
    /// (OpenCV DNN runs on the CPU only).
    torch::Device device = torch::kCPU;
    LevelBackend backend = LevelBackend::Torch;
    /// Per level, overriding `backend` for the levels it covers (a level pinned to a backend,
    /// e.g. by a profile measured that way); empty: every level uses `backend`.
    std::vector<LevelBackend> levelBackends;
    int autoWarmup = 5;  ///< Auto: untimed runs of each backend before timing
    int autoRuns = 15;   ///< Auto: timed runs of each backend (batch 1, interleaved, median)
    /// An OpenCV DNN level must give the LibTorch logits within this, scaled by
    /// max(1, largest |logit|), on a check input; otherwise the level falls back to LibTorch.
    double agreementTolerance = 1e-4;
    /// How frames become input, and the class names (the model file's); unset: the legacy
    /// default of the spec (InputContract::legacyDefault).
    InputContract input;
};

/// Which backend runs a level and why; kept per level after eviction, so Auto measures a level
/// once per thread count.
struct LevelBackendInfo
{
    LevelBackend backend = LevelBackend::Torch;  ///< Torch or OpenCvDnn, never Auto
    std::optional<double> torchMs;               ///< Auto: median ms at batch 1
    std::optional<double> opencvMs;              ///< Auto: median ms at batch 1
    std::optional<double> maxDifference;  ///< largest |OpenCV - LibTorch| logit on the check input
    int threads = 0;                      ///< LibTorch intra-op threads when decided
    std::string reason;                   ///< human-readable: measured medians, or the failure
};

/// A supernet plus a profile (ARCHITECTURE.md, "One live frame"): the profile's levels are the only
/// sub-networks it runs. Extracted levels (BN folded with the level's own statistics, so a
/// switch needs no recalibration) live in a bounded least-recently-used cache; switching to a
/// cached level moves one list node and swaps one pointer, whatever the number of levels.
///
/// Belongs to one thread (the inference worker): setLevel and forward are not thread-safe.
class DynamicModel
{
public:
    /// `cacheCapacity` extracted levels at most (at least 1; 0 means all levels). Throws
    /// std::invalid_argument when the profile has no levels or a level does not fit the spec.
    DynamicModel(Supernet supernet, Profile profile, int cacheCapacity = 0);
    /// As above, with a level backend: OpenCvDnn and Auto export each level to ONNX in memory
    /// when it enters the cache; a level OpenCV DNN cannot load, or whose logits differ from
    /// LibTorch's, runs on LibTorch and says why in backendInfo(). Throws std::invalid_argument
    /// for a device this LibTorch cannot use, or OpenCvDnn or Auto on a CUDA device (OpenCV DNN
    /// runs on the CPU only).
    DynamicModel(Supernet supernet, Profile profile, const DynamicModelOptions& options);
    ~DynamicModel();

    /// Loads the model file and the profile, checks that the profile belongs to the model.
    /// Throws std::runtime_error naming the file and the problem.
    static std::unique_ptr<DynamicModel> open(const std::string& modelPath,
                                              const std::string& profilePath,
                                              int cacheCapacity = 0);
    static std::unique_ptr<DynamicModel> open(const std::string& modelPath,
                                              const std::string& profilePath,
                                              const DynamicModelOptions& options);

    [[nodiscard]] int levelCount() const { return static_cast<int>(m_profile.levels.size()); }
    [[nodiscard]] int level() const { return m_level; }
    [[nodiscard]] const ProfileLevel& levelInfo(int level) const
    {
        return m_profile.levels.at(level);
    }
    [[nodiscard]] const Profile& profile() const { return m_profile; }
    [[nodiscard]] const SupernetSpec& spec() const { return m_spec; }
    /// How a frame becomes this model's input, and what its outputs are called.
    [[nodiscard]] const InputContract& inputContract() const { return m_options.input; }
    /// The current level's input resolution.
    [[nodiscard]] int resolution() const;
    /// Where the levels run (DynamicModelOptions::device).
    [[nodiscard]] const torch::Device& device() const { return m_options.device; }
    /// Waits until the work queued on the device is done: a no-op on the CPU; on CUDA, kernels
    /// run asynchronously and a latency read without it would time only their launch.
    void synchronize() const;

    /// Makes `level` current, extracting it first when it is not cached (evicting the least
    /// recently used level when the cache is full). Throws std::out_of_range for a bad index.
    LevelSwitch setLevel(int level);
    /// Extracts `level` into the cache without making it current (warm-up before a demo).
    void preload(int level);
    [[nodiscard]] bool isCached(int level) const;
    [[nodiscard]] int cachedCount() const { return static_cast<int>(m_lru.size()); }
    [[nodiscard]] int cacheCapacity() const { return m_capacity; }
    /// Bytes of the weights held by the cached levels (twice for an OpenCV DNN level: OpenCV
    /// keeps its own copy next to the LibTorch network, which current() still returns).
    [[nodiscard]] std::int64_t cacheBytes() const;
    /// Bytes of the supernet's parameters and buffers (what every level is cut from).
    [[nodiscard]] std::int64_t supernetBytes() const;

    /// Logits (N, classes) of the current level for uint8 images (N, H, W): the same
    /// preprocessing as training and evaluation, at the level's resolution. Preprocessed on the
    /// CPU (data/preprocess keeps its constants there), then uploaded to device(); the logits
    /// stay on device().
    [[nodiscard]] torch::Tensor forward(const torch::Tensor& images) const;
    /// Logits of the current level, through its backend, for an input already preprocessed
    /// (float (N, C, r, r) at the level's resolution), moved to device() when elsewhere.
    [[nodiscard]] torch::Tensor forwardPrepared(const torch::Tensor& x) const;
    /// The current level's network, for callers that prepare inputs themselves.
    [[nodiscard]] const StaticSubnet& current() const { return *m_current; }

    /// The backend option this model was made with (Auto stays Auto; see levelBackend()).
    [[nodiscard]] LevelBackend backendOption() const { return m_options.backend; }
    /// "torch" or "opencv": what runs `level`; "" while the level has never been cached.
    [[nodiscard]] const char* levelBackend(int level) const;
    /// The backend decision for `level` with Auto's two medians; nullopt while the level has
    /// never been cached.
    [[nodiscard]] std::optional<LevelBackendInfo> backendInfo(int level) const;

    /// Any sub-network of the supernet (not a level, not cached), with the supernet's running
    /// BN statistics: a competing model for contention runs, a peer in benchmarks. On the CPU
    /// whatever device() is (the competing loads are CPU loads).
    [[nodiscard]] std::shared_ptr<const StaticSubnet> extractArch(const SubnetArch& arch) const;

    /// The profile's levels as the runtime manager sees them (torch-free), with the latencies
    /// of frames arriving as `arrival` says (levelTableFromProfile), without the operating
    /// points measured on another backend than the one each level runs on.
    [[nodiscard]] LevelTable levelTable(FrameArrival arrival = FrameArrival::BackToBack) const;

private:
    /// A cached level: the LibTorch network, and its OpenCV DNN twin when that backend runs it.
    struct CachedLevel
    {
        std::shared_ptr<const StaticSubnet> net;
        std::shared_ptr<OpenCvDnnLevel> dnn;
    };

    std::shared_ptr<const StaticSubnet> extractLevel(int level) const;
    /// Extracts `level` and gives it its backend (measuring both under Auto).
    CachedLevel makeLevel(int level);
    [[nodiscard]] LevelBackend backendFor(int level) const;
    void insert(int level, CachedLevel cached);
    void makeCurrent(int level);

    SupernetSpec m_spec;
    Supernet m_supernet;
    Profile m_profile;
    DynamicModelOptions m_options;
    int m_capacity = 0;
    /// Indexed by level: the cached network or null. A vector, not a map: O(1) lookup.
    std::vector<CachedLevel> m_slots;
    std::vector<std::optional<LevelBackendInfo>> m_backends;  ///< by level, kept on eviction
    std::list<int> m_lru;  ///< cached levels, most recently used first
    std::vector<std::list<int>::iterator> m_lruPos;
    int m_level = -1;
    const StaticSubnet* m_current = nullptr;
    OpenCvDnnLevel* m_currentDnn = nullptr;  ///< non-null: the current level runs on OpenCV DNN
};

/// The runtime's view of a profile: levels in the profile's order (ascending latency), with
/// top-1, latency mean/p90 and power/energy where measured. The latencies are the profile's
/// paced ones for FrameArrival::Paced where it has them (ProfileLevel::latencyFor). They are the
/// manager's prior only: it learns each level's real latency as frames run. Paced latencies need
/// not ascend (small levels slow down most between frames), so a level's prior is raised to the
/// faster level's where it would be lower: the table's order stays the profile's. A level's
/// measured operating points (`dofa profile --sweep`) become its runtime operating points, with
/// the latency of the same arrival, so the lookup and energy policies choose among them.
LevelTable levelTableFromProfile(const Profile& profile,
                                 FrameArrival arrival = FrameArrival::BackToBack);

}  // namespace dofa
