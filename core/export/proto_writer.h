// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>

namespace dofa {

/// Protocol Buffers wire encoding, just what the ONNX exporter needs: varints, 32-bit floats and
/// length-delimited fields (strings, bytes, nested messages). Hand-written so that dofa needs
/// neither libprotobuf nor generated code; field numbers are the caller's (onnx.proto's).
///
/// Nested messages are built in their own ProtoWriter and added with message(): the length
/// prefix must precede the bytes, and building inside out avoids patching lengths.
class ProtoWriter
{
public:
    enum WireType : std::uint32_t { Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5 };

    /// int32, int64, uint64, bool and enum fields (negative values take ten bytes, as in
    /// protobuf's own encoder).
    ProtoWriter& varint(int field, std::int64_t value);
    ProtoWriter& float32(int field, float value);
    ProtoWriter& bytes(int field, const void* data, std::size_t size);
    ProtoWriter& string(int field, const std::string& value)
    {
        return bytes(field, value.data(), value.size());
    }
    ProtoWriter& message(int field, const ProtoWriter& nested)
    {
        return bytes(field, nested.m_buffer.data(), nested.m_buffer.size());
    }

    [[nodiscard]] const std::string& data() const { return m_buffer; }
    [[nodiscard]] std::size_t size() const { return m_buffer.size(); }

private:
    void tag(int field, WireType type);
    void rawVarint(std::uint64_t v);

    std::string m_buffer;
};

}  // namespace dofa
