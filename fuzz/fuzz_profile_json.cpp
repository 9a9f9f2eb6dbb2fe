// SPDX-License-Identifier: MIT
// A profile (JSON) for the shipped Fashion-MNIST supernet, and what the runtime derives from a
// profile that loads: its level table for both frame arrivals, with the level libraries.
#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <exception>

#include "fuzz_support.h"
#include "model/dynamic_model.h"
#include "search/profile.h"
#include "supernet/supernet_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const dofa::SupernetSpec spec = dofa::SupernetSpec::preset("fmnist-mbv3");
    const QJsonDocument doc = QJsonDocument::fromJson(
        QByteArray(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size)));
    if (!doc.isObject()) {
        return 0;
    }
    try {
        const dofa::Profile profile = dofa::Profile::fromJson(doc.object(), spec);
        for (const dofa::FrameArrival arrival :
             {dofa::FrameArrival::BackToBack, dofa::FrameArrival::Paced}) {
            const dofa::LevelTable table = dofa::levelTableFromProfile(profile, arrival);
            (void)table.libraries();
        }
    } catch (const std::exception& e) {
        dofa::fuzz::refused(e);
    }
    return 0;
}
