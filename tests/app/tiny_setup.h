// SPDX-License-Identifier: MIT
#pragma once

// The data and model the CLI tests run on: gzip'd IDX files of a Fashion-MNIST look-alike and
// an untrained fmnist-mbv3 model, written into a temporary folder.

#include <QByteArray>
#include <QString>
#include <QTemporaryDir>

#include "cli_process.h"
#include "supernet/model_file.h"
#include "supernet/supernet.h"

namespace dofa::test {

/// `n` 28x28 images (a pattern per class) and their labels, as PREFIX-images-idx3-ubyte.gz and
/// PREFIX-labels-idx1-ubyte.gz.
inline void writeSplit(const QString& dir, const QString& prefix, int n)
{
    QByteArray images =
        QByteArray::fromHex("00000803") + bigEndian(n) + bigEndian(28) + bigEndian(28);
    QByteArray labels = QByteArray::fromHex("00000801") + bigEndian(n);
    for (int i = 0; i < n; ++i) {
        for (int k = 0; k < 28 * 28; ++k) {
            images.append(static_cast<char>((k * (i % 10 + 1)) % 256));
        }
        labels.append(static_cast<char>(i % 10));
    }
    writeGz(dir + "/" + prefix + "-images-idx3-ubyte.gz", images);
    writeGz(dir + "/" + prefix + "-labels-idx1-ubyte.gz", labels);
}

/// A tiny Fashion-MNIST look-alike (200 train, 60 test images) and an untrained fmnist-mbv3
/// model in `dir`; returns the model's path.
inline QString writeTinySetup(const QTemporaryDir& dir, ModelFile& m)
{
    writeSplit(dir.path(), "train", 200);
    writeSplit(dir.path(), "t10k", 60);
    m.spec = SupernetSpec::preset("fmnist-mbv3");
    m.setWeights(Supernet(m.spec));
    const QString model = dir.filePath("m.dofa");
    m.save(model.toStdString());
    return model;
}

}  // namespace dofa::test
