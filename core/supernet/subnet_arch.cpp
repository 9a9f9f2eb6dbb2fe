// SPDX-License-Identifier: MIT
#include "subnet_arch.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace dofa {

namespace {

bool contains(const std::vector<int>& v, int x)
{
    return std::find(v.begin(), v.end(), x) != v.end();
}

std::string listText(const std::vector<int>& v)
{
    std::string s;
    for (int x : v) {
        s += (s.empty() ? "" : ",") + std::to_string(x);
    }
    return s;
}

template <typename Rng>
int pick(const std::vector<int>& v, Rng& rng)
{
    std::uniform_int_distribution<size_t> dist(0, v.size() - 1);
    return v[dist(rng)];
}

}  // namespace

SubnetArch SubnetArch::max(const SupernetSpec& spec)
{
    SubnetArch a;
    a.ks.assign(spec.numElasticBlocks(), spec.maxKernel());
    a.e.assign(spec.numElasticBlocks(), spec.maxExpand());
    a.d.assign(spec.numStages(), spec.maxDepth());
    a.r = spec.resolutions.back();
    return a;
}

SubnetArch SubnetArch::min(const SupernetSpec& spec)
{
    SubnetArch a;
    a.ks.assign(spec.numElasticBlocks(), spec.kernelSizes.front());
    a.e.assign(spec.numElasticBlocks(), spec.expandRatios.front());
    a.d.assign(spec.numStages(), spec.depths.front());
    a.r = spec.resolutions.front();
    return a.canonical(spec);
}

SubnetArch SubnetArch::sample(const SupernetSpec& spec, std::mt19937& rng)
{
    return sample(spec, rng, spec.kernelSizes, spec.expandRatios, spec.depths, spec.resolutions);
}

SubnetArch SubnetArch::sample(const SupernetSpec& spec, std::mt19937& rng,
                              const std::vector<int>& ksChoices, const std::vector<int>& eChoices,
                              const std::vector<int>& dChoices, const std::vector<int>& rChoices)
{
    SubnetArch a;
    // Same draw order as OFA's sample_active_subnet: kernels, expands, depths.
    for (int i = 0; i < spec.numElasticBlocks(); ++i) {
        a.ks.push_back(pick(ksChoices, rng));
    }
    for (int i = 0; i < spec.numElasticBlocks(); ++i) {
        a.e.push_back(pick(eChoices, rng));
    }
    for (int s = 0; s < spec.numStages(); ++s) {
        a.d.push_back(pick(dChoices, rng));
    }
    a.r = pick(rChoices, rng);
    return a.canonical(spec);
}

bool SubnetArch::isActive(const SupernetSpec& spec, int block) const
{
    const int stage = spec.stageOf(block);
    return block % spec.maxDepth() < d[stage];
}

SubnetArch SubnetArch::canonical(const SupernetSpec& spec) const
{
    SubnetArch a = *this;
    for (int i = 0; i < spec.numElasticBlocks() && i < static_cast<int>(a.ks.size()); ++i) {
        if (!isActive(spec, i)) {
            a.ks[i] = 0;
            a.e[i] = 0;
        }
    }
    return a;
}

std::string SubnetArch::validate(const SupernetSpec& spec) const
{
    std::ostringstream err;
    const int n = spec.numElasticBlocks();
    if (static_cast<int>(d.size()) != spec.numStages()) {
        err << "d has " << d.size() << " values, " << spec.name << " has " << spec.numStages()
            << " stages";
    } else if (static_cast<int>(ks.size()) != n || static_cast<int>(e.size()) != n) {
        err << "ks and e need " << n << " values (one per elastic block), got " << ks.size()
            << " and " << e.size();
    } else if (!contains(spec.resolutions, r)) {
        err << "resolution " << r << " is not one of " << listText(spec.resolutions);
    } else {
        for (int s = 0; s < spec.numStages(); ++s) {
            if (!contains(spec.depths, d[s])) {
                err << "stage " << s + 1 << ": depth " << d[s] << " is not one of "
                    << listText(spec.depths);
                return err.str();
            }
        }
        for (int i = 0; i < n; ++i) {
            if (!isActive(spec, i)) {
                continue;
            }
            if (!contains(spec.kernelSizes, ks[i])) {
                err << "block " << i + 1 << ": kernel " << ks[i] << " is not one of "
                    << listText(spec.kernelSizes);
                break;
            }
            if (!contains(spec.expandRatios, e[i])) {
                err << "block " << i + 1 << ": expand ratio " << e[i] << " is not one of "
                    << listText(spec.expandRatios);
                break;
            }
        }
    }
    return err.str();
}

std::string SubnetArch::toString() const
{
    if (d.empty()) {
        return "";
    }
    const int maxDepth = static_cast<int>(ks.size() / d.size());
    std::string k = "k", ex = "e";
    for (size_t s = 0; s < d.size(); ++s) {
        if (s > 0) {
            k += '.';
            ex += '.';
        }
        for (int j = 0; j < d[s]; ++j) {
            k += std::to_string(ks[s * maxDepth + j]);
            ex += std::to_string(e[s * maxDepth + j]);
        }
    }
    return "r" + std::to_string(r) + "-" + k + "-" + ex;
}

SubnetArch SubnetArch::parse(const std::string& text, const SupernetSpec& spec)
{
    if (text == "max") {
        return max(spec);
    }
    if (text == "min") {
        return min(spec);
    }
    if (const size_t brace = text.find_first_not_of(" \t\r\n");
        brace != std::string::npos && text[brace] == '{') {
        // OFA's own form, as its net configs and search results print it.
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(
            QByteArray::fromRawData(text.data(), static_cast<qsizetype>(text.size())), &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            throw std::invalid_argument("arch '" + text + "': not a JSON object (" +
                                        error.errorString().toStdString() + " at offset " +
                                        std::to_string(error.offset) + ")");
        }
        return fromJson(doc.object(), spec);
    }
    auto fail = [&](const std::string& why) -> SubnetArch {
        throw std::invalid_argument("arch '" + text + "': " + why + " (expected e.g. '" +
                                    max(spec).toString() + "', 'max' or 'min')");
    };
    std::vector<std::string> parts;
    std::stringstream ss(text);
    for (std::string p; std::getline(ss, p, '-');) {
        parts.push_back(p);
    }
    if (parts.size() != 3 || parts[0].size() < 2 || parts[0][0] != 'r' || parts[1].empty() ||
        parts[1][0] != 'k' || parts[2].empty() || parts[2][0] != 'e') {
        return fail("three parts r<size>-k<digits>-e<digits> needed");
    }
    SubnetArch a;
    try {
        size_t used = 0;
        a.r = std::stoi(parts[0].substr(1), &used);
        if (used != parts[0].size() - 1) {
            return fail("bad resolution");
        }
    } catch (const std::exception&) {
        return fail("bad resolution");
    }
    auto stageGroups = [&](const std::string& body, const char* what) {
        std::vector<std::string> groups;
        std::stringstream gs(body);
        for (std::string g; std::getline(gs, g, '.');) {
            groups.push_back(g);
        }
        if (!body.empty() && body.back() == '.') {
            groups.push_back("");
        }
        if (static_cast<int>(groups.size()) != spec.numStages()) {
            fail(std::string(what) + " has " + std::to_string(groups.size()) + " stage groups, " +
                 spec.name + " has " + std::to_string(spec.numStages()) + " stages");
        }
        for (const std::string& g : groups) {
            if (g.empty() || !std::all_of(g.begin(), g.end(), ::isdigit)) {
                fail(std::string(what) + " stage group '" + g + "' must be one digit per block");
            }
        }
        return groups;
    };
    const auto kGroups = stageGroups(parts[1].substr(1), "k");
    const auto eGroups = stageGroups(parts[2].substr(1), "e");
    const int maxDepth = spec.maxDepth();
    a.ks.assign(spec.numElasticBlocks(), 0);
    a.e.assign(spec.numElasticBlocks(), 0);
    for (int s = 0; s < spec.numStages(); ++s) {
        if (kGroups[s].size() != eGroups[s].size()) {
            return fail("stage " + std::to_string(s + 1) + " has " +
                        std::to_string(kGroups[s].size()) + " kernels but " +
                        std::to_string(eGroups[s].size()) + " expand ratios");
        }
        const int depth = static_cast<int>(kGroups[s].size());
        if (depth > maxDepth) {
            return fail("stage " + std::to_string(s + 1) + " has " + std::to_string(depth) +
                        " blocks, at most " + std::to_string(maxDepth));
        }
        a.d.push_back(depth);
        for (int j = 0; j < depth; ++j) {
            a.ks[s * maxDepth + j] = kGroups[s][j] - '0';
            a.e[s * maxDepth + j] = eGroups[s][j] - '0';
        }
    }
    if (const std::string err = a.validate(spec); !err.empty()) {
        return fail(err);
    }
    return a;
}

QJsonObject SubnetArch::toJson() const
{
    QJsonArray k, ex, dd;
    for (int x : ks) {
        k.append(x);
    }
    for (int x : e) {
        ex.append(x);
    }
    for (int x : d) {
        dd.append(x);
    }
    return QJsonObject{{"ks", k}, {"e", ex}, {"d", dd}, {"r", r}};
}

SubnetArch SubnetArch::fromJson(const QJsonObject& json, const SupernetSpec& spec)
{
    auto ints = [&](const char* field) {
        const QJsonValue v = json.value(field);
        if (!v.isArray()) {
            throw std::invalid_argument(std::string("arch JSON: field '") + field +
                                        "' must be a list of integers");
        }
        std::vector<int> out;
        for (const QJsonValue& x : v.toArray()) {
            if (!x.isDouble()) {
                throw std::invalid_argument(std::string("arch JSON: field '") + field +
                                            "' must hold integers");
            }
            out.push_back(x.toInt());
        }
        return out;
    };
    SubnetArch a;
    a.ks = ints("ks");
    a.e = ints("e");
    a.d = ints("d");
    const QJsonValue rv = json.value("r");
    if (rv.isArray() && rv.toArray().size() == 1 && rv.toArray().first().isDouble()) {
        a.r = rv.toArray().first().toInt();
    } else if (rv.isDouble()) {
        a.r = rv.toInt();
    } else {
        throw std::invalid_argument("arch JSON: field 'r' must be an integer or [integer]");
    }
    if (const std::string err = a.validate(spec); !err.empty()) {
        throw std::invalid_argument("arch JSON: " + err);
    }
    return a.canonical(spec);
}

namespace {

std::int64_t convMacs(int outSize, int inC, int outC, int k, int groups)
{
    return static_cast<std::int64_t>(inC) * outC * k * k * outSize * outSize / groups;
}

int convOut(int size, int stride)
{
    // OFA: int((fsize - 1) / stride + 1); the stem uses (r + 1) // 2.
    return (size - 1) / stride + 1;
}

}  // namespace

std::int64_t SubnetArch::macs(const SupernetSpec& spec) const
{
    int size = convOut(r, spec.stemStride);
    std::int64_t total = convMacs(size, spec.inChannels, spec.stemWidth, 3, 1);
    // blocks.0: depthwise 3x3 and pointwise, no expansion.
    total += convMacs(size, spec.stemWidth, spec.stemWidth, 3, spec.stemWidth);
    total += convMacs(size, spec.stemWidth, spec.firstBlockWidth, 1, 1);
    for (int i = 0; i < spec.numElasticBlocks(); ++i) {
        if (!isActive(spec, i)) {
            continue;
        }
        const int inC = spec.blockInChannels(i);
        const int outC = spec.blockOutChannels(i);
        const int mid = SupernetSpec::midChannels(inC, e[i]);
        const int out = convOut(size, spec.blockStride(i));
        if (e[i] != 1) {
            total += convMacs(size, inC, mid, 1, 1);
        }
        total += convMacs(out, mid, mid, ks[i], mid);
        if (spec.stages[spec.stageOf(i)].se) {
            const int seMid = SupernetSpec::seMidChannels(mid);
            total += convMacs(1, mid, seMid, 1, 1) + convMacs(1, seMid, mid, 1, 1);
        }
        total += convMacs(out, mid, outC, 1, 1);
        size = out;
    }
    const int lastWidth = spec.stages.back().width;
    total += convMacs(size, lastWidth, spec.finalExpandWidth, 1, 1);
    total += convMacs(1, spec.finalExpandWidth, spec.lastChannel, 1, 1);
    total += convMacs(1, spec.lastChannel, spec.numClasses, 1, 1);
    return total;
}

std::int64_t SubnetArch::params(const SupernetSpec& spec) const
{
    auto bn = [](int c) { return std::int64_t{2} * c; };
    std::int64_t total = std::int64_t{9} * spec.inChannels * spec.stemWidth + bn(spec.stemWidth);
    total += std::int64_t{9} * spec.stemWidth + bn(spec.stemWidth);
    total += std::int64_t{1} * spec.stemWidth * spec.firstBlockWidth + bn(spec.firstBlockWidth);
    for (int i = 0; i < spec.numElasticBlocks(); ++i) {
        if (!isActive(spec, i)) {
            continue;
        }
        const int inC = spec.blockInChannels(i);
        const int outC = spec.blockOutChannels(i);
        const int mid = SupernetSpec::midChannels(inC, e[i]);
        if (e[i] != 1) {
            total += std::int64_t{1} * inC * mid + bn(mid);
        }
        total += std::int64_t{1} * mid * ks[i] * ks[i] + bn(mid);
        if (spec.stages[spec.stageOf(i)].se) {
            const int seMid = SupernetSpec::seMidChannels(mid);
            total += std::int64_t{2} * mid * seMid + seMid + mid;
        }
        total += std::int64_t{1} * mid * outC + bn(outC);
    }
    const int lastWidth = spec.stages.back().width;
    total += std::int64_t{1} * lastWidth * spec.finalExpandWidth + bn(spec.finalExpandWidth);
    total += std::int64_t{1} * spec.finalExpandWidth * spec.lastChannel;
    total += std::int64_t{1} * spec.lastChannel * spec.numClasses + spec.numClasses;
    return total;
}

}  // namespace dofa
