// SPDX-License-Identifier: MIT
#include "proto_writer.h"

#include <cstring>
#include <stdexcept>

namespace dofa {

void ProtoWriter::rawVarint(std::uint64_t v)
{
    while (v >= 0x80) {
        m_buffer.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    m_buffer.push_back(static_cast<char>(v));
}

void ProtoWriter::tag(int field, WireType type)
{
    // Field numbers run from 1 to 2^29 - 1; anything else is a bug in the caller.
    if (field < 1 || field > (1 << 29) - 1) {
        throw std::invalid_argument("protobuf field number out of range: " + std::to_string(field));
    }
    rawVarint((static_cast<std::uint64_t>(field) << 3) | type);
}

ProtoWriter& ProtoWriter::varint(int field, std::int64_t value)
{
    tag(field, Varint);
    rawVarint(static_cast<std::uint64_t>(value));
    return *this;
}

ProtoWriter& ProtoWriter::float32(int field, float value)
{
    tag(field, Fixed32);
    std::uint32_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    // Little-endian on the wire, whatever the host.
    for (int i = 0; i < 4; ++i) {
        m_buffer.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
    }
    return *this;
}

ProtoWriter& ProtoWriter::bytes(int field, const void* data, std::size_t size)
{
    tag(field, LengthDelimited);
    rawVarint(size);
    m_buffer.append(static_cast<const char*>(data), size);
    return *this;
}

}  // namespace dofa
