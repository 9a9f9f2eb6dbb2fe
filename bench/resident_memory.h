// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QFile>

/// VmRSS of this process in KiB, from /proc/self/status; -1 when it cannot be read.
inline long residentKib()
{
    QFile f("/proc/self/status");
    if (!f.open(QIODevice::ReadOnly)) {
        return -1;
    }
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:")) {
            return line.mid(6).trimmed().split(' ').first().toLong();
        }
    }
    return -1;
}
