// SPDX-License-Identifier: MIT
#include "profile.h"

#include <QByteArray>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include <torch/torch.h>

#include "supernet/atomic_file.h"

namespace dofa {

namespace {

/// Field errors carry a path such as "levels[3].latency": the caller adds the file name.
struct FieldError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

QJsonValue need(const QJsonObject& o, const char* key, const std::string& where)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull()) {
        throw FieldError(where + (where.empty() ? "" : ".") + key + ": missing");
    }
    return v;
}

double needNumber(const QJsonObject& o, const char* key, const std::string& where)
{
    const QJsonValue v = need(o, key, where);
    if (!v.isDouble()) {
        throw FieldError(where + "." + key + ": not a number");
    }
    return v.toDouble();
}

/// float32 little-endian, base64: BN statistics are a few KB to 200 KB per level.
QString encodeFloats(const torch::Tensor& t)
{
    const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(c.data_ptr<float>()),
                                          static_cast<qsizetype>(c.numel() * sizeof(float)))
                                   .toBase64());
}

torch::Tensor decodeFloats(const QJsonValue& v, const std::string& where)
{
    const QByteArray bytes = QByteArray::fromBase64(v.toString().toLatin1());
    if (!v.isString() || bytes.size() % static_cast<qsizetype>(sizeof(float)) != 0) {
        throw FieldError(where + ": not base64 float32 data");
    }
    torch::Tensor t = torch::empty({static_cast<int64_t>(bytes.size() / sizeof(float))});
    std::memcpy(t.data_ptr<float>(), bytes.constData(), static_cast<size_t>(bytes.size()));
    return t;
}

QJsonObject bnToJson(const BnStats& bn)
{
    QJsonObject o;
    for (const auto& [name, m] : bn) {
        o.insert(QString::fromStdString(name),
                 QJsonObject{{"mean", encodeFloats(m.mean)}, {"var", encodeFloats(m.var)}});
    }
    return o;
}

BnStats bnFromJson(const QJsonObject& o, const std::string& where)
{
    BnStats bn;
    for (auto it = o.begin(); it != o.end(); ++it) {
        const std::string w = where + "." + it.key().toStdString();
        const QJsonObject m = it.value().toObject();
        BnMoments moments{decodeFloats(m.value("mean"), w + ".mean"),
                          decodeFloats(m.value("var"), w + ".var")};
        if (moments.mean.numel() != moments.var.numel() || moments.mean.numel() == 0) {
            throw FieldError(w + ": mean and var must have the same, non-zero length");
        }
        bn[it.key().toStdString()] = moments;
    }
    return bn;
}

SubnetArch archFrom(const QJsonObject& o, const SupernetSpec& spec, const std::string& where)
{
    const QJsonValue v = need(o, "arch", where);
    try {
        return SubnetArch::parse(v.toString().toStdString(), spec);
    } catch (const std::exception& e) {
        throw FieldError(where + ".arch: " + e.what());
    }
}

}  // namespace

QJsonObject Profile::toJson() const
{
    QJsonArray lv;
    for (size_t i = 0; i < levels.size(); ++i) {
        const ProfileLevel& l = levels[i];
        QJsonObject o{{"level", static_cast<int>(i)},
                      {"arch", QString::fromStdString(l.arch.toString())},
                      {"arch_json", l.arch.toJson()},
                      {"top1", l.top1},
                      {"latency", l.latency.toJson()},
                      {"macs", static_cast<qint64>(l.macs)},
                      {"params", static_cast<qint64>(l.params)},
                      {"bn", bnToJson(l.bn)}};
        if (l.pacedLatency) {
            o.insert("latency_paced", l.pacedLatency->toJson());
        }
        if (l.powerMw) {
            o.insert("power_mw", *l.powerMw);
        }
        if (l.energyMj) {
            o.insert("energy_mj", *l.energyMj);
        }
        if (!l.operatingPoints.empty()) {
            QJsonArray points;
            for (const ProfileOperatingPoint& op : l.operatingPoints) {
                points.append(op.toJson());
            }
            o.insert("operating_points", points);
        }
        lv.append(o);
    }
    QJsonArray cand;
    for (const ProfileCandidate& c : candidates) {
        cand.append(QJsonObject{{"arch", QString::fromStdString(c.arch.toString())},
                                {"top1", c.top1},
                                {"latency_ms", c.latencyMs},
                                {"measured", c.measured},
                                {"source", QString::fromStdString(c.source)}});
    }
    return QJsonObject{{"format", "dofa-profile"},
                       {"schema_version", kSchemaVersion},
                       {"model", QJsonObject{{"name", QString::fromStdString(modelName)},
                                             {"checksum", QString::fromStdString(modelChecksum)}}},
                       {"device", device.toJson()},
                       {"accuracy_protocol", accuracyProtocol},
                       {"latency_protocol", latencyProtocol},
                       {"provenance", provenance},
                       {"levels", lv},
                       {"candidates", cand}};
}

Profile Profile::fromJson(const QJsonObject& json, const SupernetSpec& spec)
{
    if (json.value("format").toString() != "dofa-profile") {
        throw FieldError("format: not a dofa profile (expected \"dofa-profile\")");
    }
    const int version = json.value("schema_version").toInt(-1);
    if (version < 1 || version > kSchemaVersion) {
        throw FieldError("schema_version: " + std::to_string(version) + ", this dofa reads 1 to " +
                         std::to_string(kSchemaVersion));
    }
    Profile p;
    const QJsonObject model = need(json, "model", "").toObject();
    p.modelName = need(model, "name", "model").toString().toStdString();
    p.modelChecksum = need(model, "checksum", "model").toString().toStdString();
    if (p.modelName != spec.name) {
        throw FieldError("model.name: profile is for '" + p.modelName + "', the model is '" +
                         spec.name + "'");
    }
    try {
        p.device = DeviceDescriptor::fromJson(need(json, "device", "").toObject());
    } catch (const FieldError&) {
        throw;
    } catch (const std::exception& e) {
        throw FieldError(e.what());
    }
    p.accuracyProtocol = json.value("accuracy_protocol").toObject();
    p.latencyProtocol = json.value("latency_protocol").toObject();
    p.provenance = json.value("provenance").toObject();
    const QJsonArray lv = need(json, "levels", "").toArray();
    for (int i = 0; i < lv.size(); ++i) {
        const std::string where = "levels[" + std::to_string(i) + "]";
        const QJsonObject o = lv[i].toObject();
        ProfileLevel l;
        l.arch = archFrom(o, spec, where);
        l.top1 = needNumber(o, "top1", where);
        try {
            l.latency = LatencyStats::fromJson(need(o, "latency", where).toObject());
        } catch (const FieldError&) {
            throw;
        } catch (const std::exception& e) {
            throw FieldError(where + "." + e.what());
        }
        if (o.contains("latency_paced")) {
            try {
                l.pacedLatency = LatencyStats::fromJson(o.value("latency_paced").toObject());
            } catch (const std::exception& e) {
                throw FieldError(where + ".latency_paced: " + e.what());
            }
        }
        l.macs = l.arch.macs(spec);
        l.params = l.arch.params(spec);
        if (o.contains("power_mw")) {
            l.powerMw = needNumber(o, "power_mw", where);
        }
        if (o.contains("energy_mj")) {
            l.energyMj = needNumber(o, "energy_mj", where);
        }
        l.bn = bnFromJson(o.value("bn").toObject(), where + ".bn");
        const QJsonArray points = o.value("operating_points").toArray();
        for (int j = 0; j < points.size(); ++j) {
            try {
                l.operatingPoints.push_back(ProfileOperatingPoint::fromJson(
                    points[j].toObject(), where + ".operating_points[" + std::to_string(j) + "]"));
            } catch (const std::exception& e) {
                throw FieldError(e.what());
            }
        }
        if (!p.levels.empty() && l.latency.mean < p.levels.back().latency.mean) {
            throw FieldError(where + ".latency: levels must be in ascending latency");
        }
        p.levels.push_back(std::move(l));
    }
    const QJsonArray cand = json.value("candidates").toArray();
    for (int i = 0; i < cand.size(); ++i) {
        const std::string where = "candidates[" + std::to_string(i) + "]";
        const QJsonObject o = cand[i].toObject();
        ProfileCandidate c;
        c.arch = archFrom(o, spec, where);
        c.top1 = needNumber(o, "top1", where);
        c.latencyMs = needNumber(o, "latency_ms", where);
        c.measured = o.value("measured").toBool(false);
        c.source = o.value("source").toString().toStdString();
        p.candidates.push_back(std::move(c));
    }
    return p;
}

double Profile::pacedFps() const
{
    return latencyProtocol.value("paced_fps").toDouble(0);
}

void Profile::save(const std::string& path) const
{
    const QByteArray json = QJsonDocument(toJson()).toJson(QJsonDocument::Indented);
    AtomicFile::save(path, std::string_view(json.constData(), static_cast<size_t>(json.size())),
                     "profile");
}

Profile Profile::load(const std::string& path, const SupernetSpec& spec)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly)) {
        throw std::runtime_error(path + ": cannot open (" + file.errorString().toStdString() + ")");
    }
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        throw std::runtime_error(path + ": not a JSON object (" + err.errorString().toStdString() +
                                 " at byte " + std::to_string(err.offset) + ")");
    }
    try {
        return fromJson(doc.object(), spec);
    } catch (const std::exception& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

void Profile::checkModel(const std::string& checksum, const std::string& path) const
{
    if (checksum != modelChecksum) {
        throw std::runtime_error(
            path + ": profile belongs to model " + modelChecksum.substr(0, 12) + ", not to " +
            checksum.substr(0, 12) + " (run 'dofa profile' or 'dofa search' for this model)");
    }
}

std::string Profile::defaultFileName() const
{
    return modelName + "." + device.id() + ".json";
}

}  // namespace dofa
