// SPDX-License-Identifier: MIT
// Test helper: rewrites the JSON header of a model file by hand (the documented layout, not
// ModelFile's code), so tests can make files dofa would not write itself: files from before
// input contracts, or headers whose contract was tampered with.
#pragma once

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <functional>
#include <stdexcept>
#include <string>

namespace dofa::testing {

/// "DOFAMDL1" | u64 LE header length | header JSON | tensor bytes | SHA-256 of all before.
/// Calls `edit` on the header object, writes the file back with a new length and checksum.
inline void editModelHeader(const QString& path, const std::function<void(QJsonObject&)>& edit)
{
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly)) {
        throw std::runtime_error(path.toStdString() + ": cannot open");
    }
    const QByteArray data = in.readAll();
    in.close();
    quint64 len = 0;
    for (int i = 0; i < 8; ++i) {
        len |= static_cast<quint64>(static_cast<unsigned char>(data[8 + i])) << (8 * i);
    }
    QJsonObject header =
        QJsonDocument::fromJson(data.mid(16, static_cast<qsizetype>(len))).object();
    edit(header);
    const QByteArray newHeader = QJsonDocument(header).toJson(QJsonDocument::Compact);
    QByteArray body = data.left(8);
    const quint64 newLen = static_cast<quint64>(newHeader.size());
    for (int i = 0; i < 8; ++i) {
        body.append(static_cast<char>((newLen >> (8 * i)) & 0xff));
    }
    body.append(newHeader);
    body.append(data.mid(16 + static_cast<qsizetype>(len),
                         data.size() - 32 - 16 - static_cast<qsizetype>(len)));
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        throw std::runtime_error(path.toStdString() + ": cannot write");
    }
    out.write(body);
    out.write(QCryptographicHash::hash(body, QCryptographicHash::Sha256));
}

/// A file as dofa wrote it before input contracts: the same header without "input".
inline void stripInputContract(const QString& path)
{
    editModelHeader(path, [](QJsonObject& h) { h.remove("input"); });
}

}  // namespace dofa::testing
