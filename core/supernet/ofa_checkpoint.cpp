// SPDX-License-Identifier: MIT
#include "ofa_checkpoint.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "torch_pickle_reader.h"

namespace dofa::ofa {

namespace {

void replaceAll(std::string& s, const std::string& from, const std::string& to)
{
    for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos)) {
        s.replace(pos, from.size(), to);
        pos += to.size();
    }
}

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Magic number that legacy torch.save pickles start with (protocol 2, then the long
// 0x1950a86a20f9469cfc6c).
const unsigned char kLegacyMagic[] = {0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c,
                                      0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};

}  // namespace

std::string canonicalKey(const std::string& key)
{
    std::string k = "." + key + ".";
    replaceAll(k, ".mobile_inverted_conv.", ".conv.");
    replaceAll(k, ".conv.conv.", ".conv.");
    replaceAll(k, ".bn.bn.", ".bn.");
    replaceAll(k, ".linear.linear.", ".linear.");
    return k.substr(1, k.size() - 2);
}

std::map<std::string, torch::Tensor> readStateDict(const std::string& path, std::string* container)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error(path + ": cannot open");
    }
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() >= sizeof kLegacyMagic &&
        std::memcmp(bytes.data(), kLegacyMagic, sizeof kLegacyMagic) == 0) {
        throw std::runtime_error(
            path +
            ": legacy (non-zip) PyTorch pickle, which LibTorch cannot read. Re-save it once as "
            "zip: python3 -c \"import torch; torch.save(torch.load('" +
            path + "', map_location='cpu'), 'converted.pth')\"");
    }
    if (bytes.size() < 4 || bytes[0] != 'P' || bytes[1] != 'K') {
        throw std::runtime_error(path + ": not a PyTorch checkpoint (no zip signature)");
    }
    const TorchPickleReader::Result content = TorchPickleReader::read(path);
    if (!content.topLevelIsDict) {
        throw std::runtime_error(path +
                                 ": top level is not a dict (expected a state dict or "
                                 "{'state_dict': ...})");
    }
    const std::string kind = content.wrapped ? "{'state_dict': ...}" : "state dict";
    std::map<std::string, torch::Tensor> out =
        content.wrapped ? content.stateDict : content.tensors;
    if (out.empty()) {
        throw std::runtime_error(path + ": holds no tensors");
    }
    if (container) {
        *container = kind;
    }
    return out;
}

ImportReport importCheckpoint(const std::string& path, Supernet& net)
{
    ImportReport report;
    const auto file = readStateDict(path, &report.container);
    std::map<std::string, std::string> ours;  // canonical -> supernet key
    for (const auto& [key, t] : net->stateDict()) {
        ours[canonicalKey(key)] = key;
    }
    std::map<std::string, torch::Tensor> values;
    for (const auto& [key, t] : file) {
        if (endsWith(key, "num_batches_tracked")) {
            continue;
        }
        const auto it = ours.find(canonicalKey(key));
        if (it == ours.end()) {
            report.unexpected.push_back(key);
            continue;
        }
        values[it->second] = t;
    }
    try {
        report.missing = net->loadStateDict(values);
    } catch (const std::exception& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    std::vector<std::string> missing;
    for (const std::string& k : report.missing) {
        if (!endsWith(k, "num_batches_tracked")) {
            missing.push_back(k);
        }
    }
    report.missing = missing;
    report.loaded = static_cast<int>(values.size());
    return report;
}

}  // namespace dofa::ofa
