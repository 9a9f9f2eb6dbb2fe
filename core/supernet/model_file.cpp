// SPDX-License-Identifier: MIT
#include "model_file.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string_view>

#include "atomic_file.h"

namespace dofa {

namespace {

constexpr char kMagic[] = "DOFAMDL1";
constexpr int kMagicSize = 8;
constexpr int kHashSize = 32;
constexpr int kFormatVersion = 1;

struct DtypeInfo
{
    const char* name;
    torch::ScalarType type;
};
constexpr DtypeInfo kDtypes[] = {{"f32", torch::kFloat32}, {"i64", torch::kInt64}};

const char* dtypeName(torch::ScalarType t)
{
    for (const DtypeInfo& d : kDtypes) {
        if (d.type == t) {
            return d.name;
        }
    }
    return nullptr;
}

}  // namespace

void ModelFile::save(const std::string& path)
{
    // Every file carries a contract: writers that set none (the trainer's checkpoints, tests)
    // get the one an old file of this spec would load with.
    if (!input.isSet()) {
        input = InputContract::legacyDefault(spec);
    }
    std::string bad = input.validate();
    if (bad.empty()) {
        bad = input.mismatchWith(spec);
    }
    if (!bad.empty()) {
        throw std::runtime_error(path + ": not written, input contract: " + bad);
    }
    QByteArray blob;
    QJsonArray index;
    for (const auto& [name, tensor] : tensors) {
        torch::Tensor t = tensor.detach().to(torch::kCPU).contiguous();
        const char* dtype = dtypeName(t.scalar_type());
        if (!dtype) {
            t = t.to(torch::kFloat32);
            dtype = "f32";
        }
        QJsonArray shape;
        for (int64_t s : t.sizes()) {
            shape.append(static_cast<qint64>(s));
        }
        const qint64 bytes = t.numel() * static_cast<qint64>(t.element_size());
        index.append(QJsonObject{{"name", QString::fromStdString(name)},
                                 {"dtype", dtype},
                                 {"shape", shape},
                                 {"offset", static_cast<qint64>(blob.size())},
                                 {"bytes", bytes}});
        blob.append(static_cast<const char*>(t.data_ptr()), bytes);
    }
    const QJsonObject header{{"format", "dofa-model"}, {"version", kFormatVersion},
                             {"spec", spec.toJson()},  {"input", input.toJson()},
                             {"metadata", metadata},   {"tensors", index}};
    const QByteArray headerBytes = QJsonDocument(header).toJson(QJsonDocument::Compact);
    QByteArray body(kMagic, kMagicSize);
    quint64 headerLen = static_cast<quint64>(headerBytes.size());
    char lenBytes[8];
    for (int i = 0; i < 8; ++i) {
        lenBytes[i] = static_cast<char>((headerLen >> (8 * i)) & 0xff);
    }
    body.append(lenBytes, 8);
    body.append(headerBytes);
    body.append(blob);
    const QByteArray hash = QCryptographicHash::hash(body, QCryptographicHash::Sha256);

    AtomicFile file(path, "model");
    file.write(std::string_view(body.constData(), static_cast<size_t>(body.size())));
    file.write(std::string_view(hash.constData(), static_cast<size_t>(hash.size())));
    file.commit();
    checksum = hash.toHex().toStdString();
}

ModelFile ModelFile::load(const std::string& path)
{
    auto fail = [&](const std::string& why) -> ModelFile {
        throw std::runtime_error(path + ": " + why);
    };
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly)) {
        return fail("cannot open (" + file.errorString().toStdString() + ")");
    }
    const QByteArray data = file.readAll();
    if (data.size() < kMagicSize || std::memcmp(data.constData(), kMagic, kMagicSize) != 0) {
        if (data.size() >= 2 && data[0] == 'P' && data[1] == 'K') {
            return fail(
                "this is a PyTorch zip checkpoint, not a dofa model; import it with "
                "'dofa import-ofa'");
        }
        return fail("not a dofa model file (bad magic)");
    }
    if (data.size() < kMagicSize + 8 + kHashSize) {
        return fail("truncated (" + std::to_string(data.size()) + " bytes)");
    }
    quint64 headerLen = 0;
    for (int i = 0; i < 8; ++i) {
        headerLen |= static_cast<quint64>(static_cast<unsigned char>(data[kMagicSize + i]))
                     << (8 * i);
    }
    const qint64 bodySize = data.size() - kHashSize;
    const qint64 headerStart = kMagicSize + 8;
    if (headerLen > static_cast<quint64>(bodySize - headerStart)) {
        return fail("truncated: header length " + std::to_string(headerLen) + " exceeds the file");
    }
    const QByteArray expected = QCryptographicHash::hash(QByteArrayView(data.constData(), bodySize),
                                                         QCryptographicHash::Sha256);
    if (expected != data.right(kHashSize)) {
        return fail("checksum mismatch: the file is corrupt or truncated");
    }
    QJsonParseError err{};
    const QJsonDocument doc =
        QJsonDocument::fromJson(data.mid(headerStart, static_cast<qsizetype>(headerLen)), &err);
    if (!doc.isObject()) {
        return fail("bad header JSON (" + err.errorString().toStdString() + ")");
    }
    const QJsonObject header = doc.object();
    if (header.value("format").toString() != "dofa-model") {
        return fail("header format is not 'dofa-model'");
    }
    if (header.value("version").toInt() != kFormatVersion) {
        return fail("unsupported format version " +
                    std::to_string(header.value("version").toInt()) + " (this dofa reads " +
                    std::to_string(kFormatVersion) + ")");
    }
    ModelFile m;
    try {
        m.spec = SupernetSpec::fromJson(header.value("spec").toObject());
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    const QJsonValue input = header.value("input");
    if (input.isUndefined()) {
        // Written before contracts existed: dofa train's and import-ofa's files, whose input
        // recipe was then implied by their spec.
        m.input = InputContract::legacyDefault(m.spec);
        m.inputDefaulted = true;
    } else {
        try {
            if (!input.isObject()) {
                throw std::runtime_error("input: not an object");
            }
            m.input = InputContract::fromJson(input.toObject());
        } catch (const std::exception& e) {
            return fail(e.what());
        }
        if (const std::string bad = m.input.mismatchWith(m.spec); !bad.empty()) {
            return fail("input contract disagrees with the spec: " + bad);
        }
    }
    m.metadata = header.value("metadata").toObject();
    const qint64 blobStart = headerStart + static_cast<qint64>(headerLen);
    const qint64 blobSize = bodySize - blobStart;
    for (const QJsonValue& v : header.value("tensors").toArray()) {
        const QJsonObject t = v.toObject();
        const std::string name = t.value("name").toString().toStdString();
        const QString dtype = t.value("dtype").toString();
        torch::ScalarType type = torch::kFloat32;
        bool known = false;
        for (const DtypeInfo& d : kDtypes) {
            if (dtype == d.name) {
                type = d.type;
                known = true;
            }
        }
        if (!known) {
            return fail("tensor '" + name + "': unknown dtype '" + dtype.toStdString() + "'");
        }
        std::vector<int64_t> shape;
        int64_t numel = 1;
        for (const QJsonValue& s : t.value("shape").toArray()) {
            shape.push_back(s.toInteger());
            numel *= shape.back();
        }
        const qint64 offset = t.value("offset").toInteger(-1);
        const qint64 bytes = t.value("bytes").toInteger(-1);
        const int64_t elementSize = type == torch::kFloat32 ? 4 : 8;
        if (numel < 0 || bytes != numel * elementSize || offset < 0 || offset + bytes > blobSize) {
            return fail("tensor '" + name + "': offset/size outside the data section");
        }
        torch::Tensor tensor = torch::empty(shape, type);
        std::memcpy(tensor.data_ptr(), data.constData() + blobStart + offset,
                    static_cast<size_t>(bytes));
        m.tensors.emplace_back(name, tensor);
    }
    m.checksum = data.right(kHashSize).toHex().toStdString();
    return m;
}

std::map<std::string, torch::Tensor> ModelFile::tensorsWithPrefix(const std::string& prefix) const
{
    std::map<std::string, torch::Tensor> out;
    for (const auto& [name, t] : tensors) {
        if (name.compare(0, prefix.size(), prefix) == 0) {
            out[name.substr(prefix.size())] = t;
        }
    }
    return out;
}

Supernet ModelFile::buildSupernet(const std::string& path) const
{
    Supernet net(spec);
    std::map<std::string, torch::Tensor> weights;
    for (const auto& [name, t] : tensors) {
        if (name.find('/') == std::string::npos) {
            weights[name] = t;
        }
    }
    std::vector<std::string> missing;
    try {
        missing = net->loadStateDict(weights);
    } catch (const std::exception& e) {
        throw std::runtime_error(path + ": does not match spec '" + spec.name + "': " + e.what());
    }
    if (!missing.empty()) {
        throw std::runtime_error(path + ": does not match spec '" + spec.name +
                                 "': " + std::to_string(missing.size()) +
                                 " weights missing, first '" + missing.front() + "'");
    }
    return net;
}

void ModelFile::setWeights(const Supernet& net)
{
    std::vector<std::pair<std::string, torch::Tensor>> kept;
    for (auto& [name, t] : tensors) {
        if (name.find('/') != std::string::npos) {
            kept.emplace_back(name, t);
        }
    }
    tensors = net->stateDict();
    tensors.insert(tensors.end(), kept.begin(), kept.end());
}

}  // namespace dofa
