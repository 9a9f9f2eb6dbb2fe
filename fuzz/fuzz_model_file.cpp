// SPDX-License-Identifier: MIT
// dofa's model file. The input is the file without its trailing SHA-256, which the harness
// appends, so that mutations reach the header and tensor index instead of the checksum check.
#include <QByteArray>
#include <QCryptographicHash>
#include <exception>

#include "fuzz_support.h"
#include "supernet/model_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray body(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const QByteArray file = body + QCryptographicHash::hash(body, QCryptographicHash::Sha256);
    const std::string path = dofa::fuzz::ScratchDir::instance().write(
        "model.dofa", std::string_view(file.constData(), static_cast<size_t>(file.size())));
    try {
        const dofa::ModelFile model = dofa::ModelFile::load(path);
        (void)model.tensorsWithPrefix("blocks.");
        (void)model.inputContract().classNames.size();
    } catch (const std::exception& e) {
        dofa::fuzz::refused(e);
    }
    return 0;
}
