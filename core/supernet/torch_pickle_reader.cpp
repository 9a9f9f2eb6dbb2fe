// SPDX-License-Identifier: MIT
#include "torch_pickle_reader.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

#include <zlib.h>

#include <caffe2/serialize/versions.h>

namespace dofa {

namespace {

struct Value;
using ValuePtr = std::shared_ptr<Value>;

struct Value
{
    enum class Kind { None, Bool, Int, Float, String, List, Tuple, Dict, Global, Tensor, Object };
    Kind kind = Kind::None;
    int64_t i = 0;
    double f = 0;
    std::string s;                                       ///< string, or "module.name" of a global
    std::vector<ValuePtr> items;                         ///< list / tuple / object args
    std::vector<std::pair<ValuePtr, ValuePtr>> entries;  ///< dict
    torch::Tensor tensor;
};

ValuePtr make(Value::Kind k)
{
    auto v = std::make_shared<Value>();
    v->kind = k;
    return v;
}

torch::ScalarType storageType(const std::string& global)
{
    static const std::map<std::string, torch::ScalarType> types = {
        {"torch.FloatStorage", torch::kFloat32}, {"torch.DoubleStorage", torch::kFloat64},
        {"torch.HalfStorage", torch::kFloat16},  {"torch.BFloat16Storage", torch::kBFloat16},
        {"torch.LongStorage", torch::kInt64},    {"torch.IntStorage", torch::kInt32},
        {"torch.ShortStorage", torch::kInt16},   {"torch.CharStorage", torch::kInt8},
        {"torch.ByteStorage", torch::kUInt8},    {"torch.BoolStorage", torch::kBool}};
    const auto it = types.find(global);
    if (it == types.end()) {
        throw std::runtime_error("unsupported storage type " + global);
    }
    return it->second;
}

uint64_t littleEndian(const unsigned char* p, int n)
{
    uint64_t v = 0;
    for (int k = 0; k < n; ++k) {
        v |= static_cast<uint64_t>(p[k]) << (8 * k);
    }
    return v;
}

/// The zip archive torch.save writes, read by dofa itself: the central directory (ZIP64 too),
/// each record's local header and data (stored, or deflated through zlib), and every record's
/// CRC-32 checked. LibTorch's PyTorchStreamReader is not used: its miniz is built without CRC
/// checks (a corrupted data.pkl or tensor would load as different numbers), and when its
/// constructor throws on a malformed file miniz's reader state leaks (found by fuzz_torch_zip).
/// Records are named below the archive's folder ("data.pkl", "data/0", "version").
class TorchZip
{
public:
    explicit TorchZip(const std::string& path) : m_in(path, std::ios::binary)
    {
        if (!m_in) {
            throw std::runtime_error("cannot open");
        }
        m_in.seekg(0, std::ios::end);
        m_fileSize = static_cast<uint64_t>(m_in.tellg());
        readDirectory();
        // As PyTorchStreamReader: the archive's format version, a decimal number it can read.
        const std::string name = m_entries.count(".data/version") ? ".data/version" : "version";
        if (!m_entries.count(name)) {
            throw std::runtime_error("no " + m_prefix + "version record (not a torch.save file)");
        }
        const std::vector<char> bytes = record(name);
        const std::string text(bytes.begin(), bytes.begin() + std::min<size_t>(bytes.size(), 32));
        char* end = nullptr;
        const unsigned long long version = std::strtoull(text.c_str(), &end, 10);
        if (end == text.c_str() || text.find('-') != std::string::npos ||
            version < caffe2::serialize::kMinSupportedFileFormatVersion ||
            version > caffe2::serialize::kMaxSupportedFileFormatVersion) {
            throw std::runtime_error(
                "unsupported torch.save format version '" + printable(text) + "' (LibTorch " +
                "reads " + std::to_string(caffe2::serialize::kMinSupportedFileFormatVersion) +
                " to " + std::to_string(caffe2::serialize::kMaxSupportedFileFormatVersion) + ")");
        }
    }

    /// The record's bytes; throws naming the entry when it is missing, unreadable or corrupt.
    std::vector<char> record(const std::string& name)
    {
        const std::string entryName = m_prefix + name;
        const auto it = m_entries.find(name);
        if (it == m_entries.end()) {
            throw std::runtime_error("entry " + entryName + " is missing from the zip");
        }
        const Entry& e = it->second;
        auto fail = [&](const std::string& why) {
            throw std::runtime_error("entry " + entryName + ": " + why);
        };
        if (e.localHeader > m_fileSize || m_fileSize - e.localHeader < 30) {
            fail("local header lies outside the file");
        }
        const std::vector<unsigned char> header = readAt(e.localHeader, 30);
        if (littleEndian(header.data(), 4) != 0x04034b50) {
            fail("no local header where the central directory says");
        }
        const uint64_t dataAt =
            e.localHeader + 30 + littleEndian(&header[26], 2) + littleEndian(&header[28], 2);
        if (dataAt > m_fileSize || e.compressedSize > m_fileSize - dataAt) {
            fail("data lies outside the file");
        }
        if (e.flags & 0x1) {
            fail("encrypted");
        }
        std::vector<char> data;
        if (e.method == 0) {
            if (e.compressedSize != e.size) {
                fail("stored with two different sizes");
            }
            data = toChars(readAt(dataAt, e.size));
        } else if (e.method == 8) {
            // Deflate expands at most 1032:1; a larger claim is a corrupt size, not data.
            // torch.save stores its records, so a deflated one comes from another zip tool: 1 GiB
            // at most, since the whole record is inflated into memory.
            if (e.size / 1032 > e.compressedSize + 1 || e.size > (uint64_t{1} << 30)) {
                fail("claims " + std::to_string(e.size) + " bytes from " +
                     std::to_string(e.compressedSize) + " deflated ones");
            }
            data = inflated(readAt(dataAt, e.compressedSize), e.size, fail);
        } else {
            fail("zip compression method " + std::to_string(e.method) + " is not supported");
        }
        const uint32_t computed = static_cast<uint32_t>(crc32_z(
            crc32_z(0, nullptr, 0), reinterpret_cast<const Bytef*>(data.data()), data.size()));
        if (computed != e.crc) {
            throw std::runtime_error("entry " + entryName + " is corrupt: CRC-32 0x" +
                                     hex32(computed) + ", expected 0x" + hex32(e.crc) +
                                     " (the zip's central directory)");
        }
        return data;
    }

private:
    struct Entry
    {
        uint32_t crc = 0;
        unsigned method = 0;  ///< 0 stored (what torch.save writes), 8 deflated
        unsigned flags = 0;
        uint64_t compressedSize = 0;
        uint64_t size = 0;
        uint64_t localHeader = 0;
    };

    void readDirectory()
    {
        // End of central directory record: 22 bytes and a comment of at most 65535.
        const uint64_t tailSize = std::min<uint64_t>(m_fileSize, 22 + 65535);
        const std::vector<unsigned char> tail = readAt(m_fileSize - tailSize, tailSize);
        int64_t eocd = static_cast<int64_t>(tail.size()) - 22;
        while (eocd >= 0 && littleEndian(&tail[eocd], 4) != 0x06054b50) {
            --eocd;
        }
        if (eocd < 0) {
            throw std::runtime_error(
                "not a zip file (no central directory); torch.save files "
                "from torch >= 1.6 are zip files");
        }
        uint64_t cdSize = littleEndian(&tail[eocd + 12], 4);
        uint64_t cdOffset = littleEndian(&tail[eocd + 16], 4);
        // ZIP64: the 32-bit fields hold 0xffffffff and the locator just before the record
        // gives the ZIP64 end of central directory record.
        if ((cdSize == 0xffffffff || cdOffset == 0xffffffff) && eocd >= 20 &&
            littleEndian(&tail[eocd - 20], 4) == 0x07064b50) {
            const uint64_t z64At = littleEndian(&tail[eocd - 20 + 8], 8);
            if (z64At > m_fileSize || m_fileSize - z64At < 56) {
                throw std::runtime_error("bad ZIP64 end of central directory");
            }
            const std::vector<unsigned char> z64 = readAt(z64At, 56);
            if (littleEndian(z64.data(), 4) != 0x06064b50) {
                throw std::runtime_error("bad ZIP64 end of central directory");
            }
            cdSize = littleEndian(&z64[40], 8);
            cdOffset = littleEndian(&z64[48], 8);
        }
        if (cdOffset > m_fileSize || cdSize > m_fileSize - cdOffset) {
            throw std::runtime_error("zip central directory lies outside the file");
        }
        const std::vector<unsigned char> cd = readAt(cdOffset, cdSize);
        for (size_t p = 0; p + 46 <= cd.size() && littleEndian(&cd[p], 4) == 0x02014b50;) {
            const size_t nameLen = littleEndian(&cd[p + 28], 2);
            const size_t extraLen = littleEndian(&cd[p + 30], 2);
            const size_t next = p + 46 + nameLen + extraLen + littleEndian(&cd[p + 32], 2);
            if (p + 46 + nameLen + extraLen > cd.size()) {
                break;
            }
            const std::string name(reinterpret_cast<const char*>(&cd[p + 46]), nameLen);
            Entry e;
            e.flags = static_cast<unsigned>(littleEndian(&cd[p + 8], 2));
            e.method = static_cast<unsigned>(littleEndian(&cd[p + 10], 2));
            e.crc = static_cast<uint32_t>(littleEndian(&cd[p + 16], 4));
            e.compressedSize = littleEndian(&cd[p + 20], 4);
            e.size = littleEndian(&cd[p + 24], 4);
            e.localHeader = littleEndian(&cd[p + 42], 4);
            readZip64Extra(&cd[p + 46 + nameLen], extraLen, e);
            // As PyTorchStreamReader: records are named below the first entry's folder.
            if (p == 0) {
                if (name.find('/') == std::string::npos) {
                    throw std::runtime_error(
                        "the zip's first entry is not in a folder "
                        "(torch.save puts every record under archive/)");
                }
                m_prefix = name.substr(0, name.find('/') + 1);
            }
            if (name.compare(0, m_prefix.size(), m_prefix) == 0) {
                m_entries.emplace(name.substr(m_prefix.size()), e);
            }
            p = next;
        }
        if (m_entries.empty()) {
            throw std::runtime_error("the zip has no entries");
        }
    }

    /// The ZIP64 extended information field: the 64-bit values of the fields that hold
    /// 0xffffffff, in the order size, compressed size, local header offset.
    static void readZip64Extra(const unsigned char* extra, size_t length, Entry& e)
    {
        for (size_t q = 0; q + 4 <= length;) {
            const uint64_t id = littleEndian(&extra[q], 2);
            const size_t size = littleEndian(&extra[q + 2], 2);
            if (q + 4 + size > length) {
                return;
            }
            if (id == 0x0001) {
                size_t at = q + 4;
                for (uint64_t* field : {&e.size, &e.compressedSize, &e.localHeader}) {
                    if (*field == 0xffffffff && at + 8 <= q + 4 + size) {
                        *field = littleEndian(&extra[at], 8);
                        at += 8;
                    }
                }
            }
            q += 4 + size;
        }
    }

    template <typename Fail>
    static std::vector<char> inflated(const std::vector<unsigned char>& in, uint64_t size,
                                      const Fail& fail)
    {
        std::vector<char> out(size);
        z_stream z{};
        if (inflateInit2(&z, -MAX_WBITS) != Z_OK) {
            fail("zlib cannot start");
        }
        z.next_in = const_cast<Bytef*>(in.data());
        z.avail_in = static_cast<uInt>(in.size());
        z.next_out = reinterpret_cast<Bytef*>(out.data());
        z.avail_out = static_cast<uInt>(out.size());
        const int rc = inflate(&z, Z_FINISH);
        const uint64_t produced = z.total_out;
        inflateEnd(&z);
        if (rc != Z_STREAM_END || produced != size) {
            fail("deflated data is corrupt");
        }
        return out;
    }

    std::vector<unsigned char> readAt(uint64_t offset, uint64_t size)
    {
        std::vector<unsigned char> out(size);
        m_in.clear();
        m_in.seekg(static_cast<std::streamoff>(offset));
        m_in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(size));
        if (!m_in) {
            throw std::runtime_error("read error at byte " + std::to_string(offset));
        }
        return out;
    }
    static std::vector<char> toChars(const std::vector<unsigned char>& bytes)
    {
        return std::vector<char>(bytes.begin(), bytes.end());
    }
    static std::string hex32(uint32_t v)
    {
        char buf[9];
        std::snprintf(buf, sizeof buf, "%08x", v);
        return buf;
    }
    static std::string printable(const std::string& text)
    {
        std::string out;
        for (const char c : text) {
            out += (c >= 32 && c < 127) ? c : '?';
        }
        return out;
    }

    std::ifstream m_in;
    uint64_t m_fileSize = 0;
    std::string m_prefix;
    std::map<std::string, Entry> m_entries;
};

std::string opcodeName(unsigned char op)
{
    switch (op) {
        case 0x85:
            return "TUPLE1";
        case 0x86:
            return "TUPLE2";
        case 0x87:
            return "TUPLE3";
        case 't':
            return "TUPLE";
        case 0x8a:
            return "LONG1";
        case 'h':
            return "BINGET";
        case 'j':
            return "LONG_BINGET";
        case 'q':
            return "BINPUT";
        case 'r':
            return "LONG_BINPUT";
        case 0x94:
            return "MEMOIZE";
        case 'Q':
            return "BINPERSID";
        case 'R':
            return "REDUCE";
        case 'b':
            return "BUILD";
        case 's':
            return "SETITEM";
        case 'u':
            return "SETITEMS";
        case 'a':
            return "APPEND";
        case 'e':
            return "APPENDS";
        case '.':
            return "STOP";
        default: {
            const char* d = "0123456789abcdef";
            return std::string("opcode 0x") + d[op >> 4] + d[op & 15];
        }
    }
}

class Unpickler
{
public:
    Unpickler(const std::vector<char>& data, TorchZip& zip) : m_data(data), m_zip(zip) {}

    // Values may form cycles (a list appended to itself) or nest a million deep (a run of
    // TUPLE1), which shared_ptr would leak or free by a recursion that overflows the stack.
    // Every value is also held here: emptying each one first makes the frees flat.
    ~Unpickler()
    {
        for (const ValuePtr& v : m_values) {
            v->items.clear();
            v->entries.clear();
        }
    }

    ValuePtr run()
    {
        for (;;) {
            m_opPos = m_pos;
            const unsigned char op = byte();
            m_op = op;
            switch (op) {
                case 0x80:  // PROTO
                    byte();
                    break;
                case 0x95:  // FRAME
                    skip(8);
                    break;
                case '}':  // EMPTY_DICT
                    push(make(Value::Kind::Dict));
                    break;
                case ']':  // EMPTY_LIST
                    push(make(Value::Kind::List));
                    break;
                case ')':  // EMPTY_TUPLE
                    push(make(Value::Kind::Tuple));
                    break;
                case '(':  // MARK
                    m_marks.push_back(m_stack.size());
                    break;
                case 't': {  // TUPLE
                    auto t = make(Value::Kind::Tuple);
                    t->items = popToMark();
                    push(t);
                    break;
                }
                case 0x85:    // TUPLE1
                case 0x86:    // TUPLE2
                case 0x87: {  // TUPLE3
                    const size_t n = op - 0x84;
                    need(n);
                    auto t = make(Value::Kind::Tuple);
                    t->items.assign(m_stack.end() - static_cast<long>(n), m_stack.end());
                    m_stack.resize(m_stack.size() - n);
                    push(t);
                    break;
                }
                case 'N':
                    push(make(Value::Kind::None));
                    break;
                case 0x88:    // NEWTRUE
                case 0x89: {  // NEWFALSE
                    auto b = make(Value::Kind::Bool);
                    b->i = op == 0x88;
                    push(b);
                    break;
                }
                case 'J':  // BININT
                    pushInt(static_cast<int32_t>(le(4)));
                    break;
                case 'K':  // BININT1
                    pushInt(byte());
                    break;
                case 'M':  // BININT2
                    pushInt(static_cast<int64_t>(le(2)));
                    break;
                case 0x8a: {  // LONG1
                    const int n = byte();
                    if (n > 8) {
                        fail("LONG1 of " + std::to_string(n) + " bytes (at most 8 are read)");
                    }
                    uint64_t v = le(n);
                    if (n > 0 && n < 8 && (v >> (8 * n - 1)) & 1) {
                        v |= ~uint64_t{0} << (8 * n);  // sign-extend
                    }
                    pushInt(static_cast<int64_t>(v));
                    break;
                }
                case 'G': {  // BINFLOAT, big-endian double
                    uint64_t bits = 0;
                    for (int k = 0; k < 8; ++k) {
                        bits = (bits << 8) | byte();
                    }
                    auto f = make(Value::Kind::Float);
                    std::memcpy(&f->f, &bits, 8);
                    push(f);
                    break;
                }
                case 'X':  // BINUNICODE
                    pushString(le(4));
                    break;
                case 0x8c:  // SHORT_BINUNICODE
                case 'U':   // SHORT_BINSTRING
                    pushString(byte());
                    break;
                case 'T':  // BINSTRING
                    pushString(le(4));
                    break;
                case 'c': {  // GLOBAL "module\nname\n"
                    const std::string module = line();
                    const std::string name = line();
                    auto g = make(Value::Kind::Global);
                    g->s = module + "." + name;
                    push(g);
                    break;
                }
                case 'q':  // BINPUT
                    m_memo[byte()] = top();
                    break;
                case 'r':  // LONG_BINPUT
                    m_memo[le(4)] = top();
                    break;
                case 0x94:  // MEMOIZE
                    m_memo[m_memo.size()] = top();
                    break;
                case 'h':  // BINGET
                    push(memo(byte()));
                    break;
                case 'j':  // LONG_BINGET
                    push(memo(le(4)));
                    break;
                case 'Q': {  // BINPERSID
                    need(1);
                    const ValuePtr pid = pop();
                    push(loadStorage(pid));
                    break;
                }
                case 'R': {  // REDUCE
                    need(2);
                    const ValuePtr args = pop();
                    const ValuePtr fn = pop();
                    push(reduce(fn, args));
                    break;
                }
                case 'b':  // BUILD: state of an object; dicts and tensors ignore it
                    need(2);
                    pop();
                    break;
                case 's': {  // SETITEM
                    need(3);
                    const ValuePtr v = pop();
                    const ValuePtr k = pop();
                    top()->entries.emplace_back(k, v);
                    break;
                }
                case 'u': {  // SETITEMS
                    const std::vector<ValuePtr> kv = popToMark();
                    if (kv.size() % 2 != 0) {
                        fail("odd number of items (" + std::to_string(kv.size()) +
                             ") for key-value pairs");
                    }
                    for (size_t k = 0; k + 1 < kv.size(); k += 2) {
                        top()->entries.emplace_back(kv[k], kv[k + 1]);
                    }
                    break;
                }
                case 'a': {  // APPEND
                    need(2);
                    const ValuePtr v = pop();
                    top()->items.push_back(v);
                    break;
                }
                case 'e': {  // APPENDS
                    const std::vector<ValuePtr> vs = popToMark();
                    top()->items.insert(top()->items.end(), vs.begin(), vs.end());
                    break;
                }
                case '.':  // STOP
                    return pop();
                default:
                    throw std::runtime_error("data.pkl: unsupported pickle opcode 0x" + hex(op) +
                                             " at byte " + std::to_string(m_opPos));
            }
        }
    }

private:
    /// Throws "data.pkl: <what> (<opcode> at byte <n>)".
    [[noreturn]] void fail(const std::string& what) const
    {
        throw std::runtime_error("data.pkl: " + what + " (" + opcodeName(m_op) + " at byte " +
                                 std::to_string(m_opPos) + ")");
    }
    /// Items above the innermost MARK: an opcode may not take the items below it (Python's
    /// unpickler moves them aside at MARK, so they are out of reach).
    size_t available() const { return m_stack.size() - (m_marks.empty() ? 0 : m_marks.back()); }
    void need(size_t n) const
    {
        if (available() < n) {
            fail("stack underflow: takes " + std::to_string(n) + " item" + (n > 1 ? "s" : "") +
                 ", the stack holds " + std::to_string(available()) +
                 (m_marks.empty() ? "" : " above its MARK"));
        }
    }
    unsigned char byte()
    {
        if (m_pos >= m_data.size()) {
            fail("pickle ends early");
        }
        return static_cast<unsigned char>(m_data[m_pos++]);
    }
    void skip(size_t n)
    {
        for (size_t k = 0; k < n; ++k) {
            byte();
        }
    }
    uint64_t le(int n)
    {
        uint64_t v = 0;
        for (int k = 0; k < n; ++k) {
            v |= static_cast<uint64_t>(byte()) << (8 * k);
        }
        return v;
    }
    std::string line()
    {
        std::string s;
        for (char c = static_cast<char>(byte()); c != '\n'; c = static_cast<char>(byte())) {
            s += c;
        }
        return s;
    }
    static std::string hex(unsigned char c)
    {
        const char* d = "0123456789abcdef";
        return {d[c >> 4], d[c & 15]};
    }
    void push(ValuePtr v)
    {
        m_values.push_back(v);
        m_stack.push_back(std::move(v));
    }
    void pushInt(int64_t x)
    {
        auto v = make(Value::Kind::Int);
        v->i = x;
        push(v);
    }
    void pushString(uint64_t n)
    {
        auto v = make(Value::Kind::String);
        if (n > m_data.size() - m_pos) {
            fail("pickle ends inside a string");
        }
        v->s.assign(m_data.data() + m_pos, n);
        m_pos += n;
        push(v);
    }
    ValuePtr pop()
    {
        need(1);
        ValuePtr v = m_stack.back();
        m_stack.pop_back();
        return v;
    }
    ValuePtr top()
    {
        need(1);
        return m_stack.back();
    }
    ValuePtr memo(uint64_t k)
    {
        const auto it = m_memo.find(k);
        if (it == m_memo.end()) {
            fail("memo " + std::to_string(k) + " was never stored");
        }
        return it->second;
    }
    std::vector<ValuePtr> popToMark()
    {
        if (m_marks.empty()) {
            fail("no MARK to pop to");
        }
        const size_t mark = m_marks.back();
        m_marks.pop_back();
        std::vector<ValuePtr> out(m_stack.begin() + static_cast<long>(mark), m_stack.end());
        m_stack.resize(mark);
        return out;
    }

    // ('storage', <StorageType global>, key, location, numel)
    ValuePtr loadStorage(const ValuePtr& pid)
    {
        if (pid->kind != Value::Kind::Tuple || pid->items.size() < 5 ||
            pid->items[0]->s != "storage" || pid->items[2]->kind != Value::Kind::String ||
            pid->items[4]->kind != Value::Kind::Int || pid->items[4]->i < 0) {
            fail("unknown persistent id");
        }
        const torch::ScalarType type = storageType(pid->items[1]->s);
        const std::string key = pid->items[2]->s;
        const uint64_t numel = static_cast<uint64_t>(pid->items[4]->i);
        auto cached = m_storages.find(key);
        if (cached == m_storages.end()) {
            const std::vector<char> bytes = m_zip.record("data/" + key);
            const size_t size = bytes.size();
            // Checked before allocating: a corrupt numel must not ask for terabytes.
            const size_t elementSize = c10::elementSize(type);
            if (numel > size / elementSize) {
                fail("storage data/" + key + " holds " + std::to_string(size) +
                     " bytes, the pickle says " + std::to_string(numel) + " elements of " +
                     std::to_string(elementSize) + " bytes");
            }
            torch::Tensor t = torch::empty({static_cast<int64_t>(numel)}, type);
            if (numel > 0) {  // an empty storage: no pointers to copy between
                std::memcpy(t.data_ptr(), bytes.data(), numel * elementSize);
            }
            cached = m_storages.emplace(key, t).first;
        }
        auto v = make(Value::Kind::Tensor);
        v->tensor = cached->second;
        return v;
    }

    /// The numbers of a size or stride tuple.
    std::vector<int64_t> ints(const Value& tuple) const
    {
        if (tuple.kind != Value::Kind::Tuple && tuple.kind != Value::Kind::List) {
            fail("malformed tensor record: size or stride is not a tuple");
        }
        std::vector<int64_t> out;
        for (const ValuePtr& v : tuple.items) {
            if (v->kind != Value::Kind::Int) {
                fail("malformed tensor record: size or stride holds a non-integer");
            }
            out.push_back(v->i);
        }
        return out;
    }

    ValuePtr reduce(const ValuePtr& fn, const ValuePtr& args)
    {
        const std::string& name = fn->s;
        if (name == "torch._utils._rebuild_tensor_v2" || name == "torch._utils._rebuild_tensor") {
            // (storage, storage_offset, size, stride, ...)
            if (args->items.size() < 4 || args->items[0]->kind != Value::Kind::Tensor ||
                args->items[1]->kind != Value::Kind::Int) {
                fail("malformed tensor record");
            }
            const std::vector<int64_t> size = ints(*args->items[2]);
            const std::vector<int64_t> stride = ints(*args->items[3]);
            auto v = make(Value::Kind::Tensor);
            try {
                // as_strided checks the sizes and strides against the storage.
                v->tensor =
                    args->items[0]->tensor.as_strided(size, stride, args->items[1]->i).clone();
            } catch (const c10::Error& e) {
                const std::string msg = e.what_without_backtrace();
                fail("malformed tensor record: " + msg.substr(0, msg.find('\n')));
            }
            return v;
        }
        if (name == "torch._utils._rebuild_parameter" && !args->items.empty()) {
            return args->items[0];
        }
        if (name == "collections.OrderedDict" || name == "builtins.dict" ||
            name == "__builtin__.dict") {
            return make(Value::Kind::Dict);
        }
        auto obj = make(Value::Kind::Object);
        obj->s = name;
        obj->items = args->items;
        return obj;
    }

    const std::vector<char>& m_data;
    TorchZip& m_zip;
    size_t m_pos = 0;
    size_t m_opPos = 0;              ///< where the opcode being run starts, for messages
    unsigned char m_op = 0;          ///< the opcode being run
    std::vector<ValuePtr> m_values;  ///< every value made, see ~Unpickler
    std::vector<ValuePtr> m_stack;
    std::vector<size_t> m_marks;
    std::map<uint64_t, ValuePtr> m_memo;
    std::map<std::string, torch::Tensor> m_storages;
};

std::map<std::string, torch::Tensor> tensorsOf(const Value& dict)
{
    std::map<std::string, torch::Tensor> out;
    for (const auto& [k, v] : dict.entries) {
        if (k->kind == Value::Kind::String && v->kind == Value::Kind::Tensor) {
            out[k->s] = v->tensor;
        }
    }
    return out;
}

}  // namespace

TorchPickleReader::Result TorchPickleReader::read(const std::string& path)
{
    try {
        TorchZip zip(path);
        const std::vector<char> pickle = zip.record("data.pkl");
        Unpickler unpickler(pickle, zip);
        const ValuePtr root = unpickler.run();
        Result r;
        r.topLevelIsDict = root->kind == Value::Kind::Dict;
        if (!r.topLevelIsDict) {
            return r;
        }
        r.tensors = tensorsOf(*root);
        for (const auto& [k, v] : root->entries) {
            if (k->kind == Value::Kind::String && k->s == "state_dict" &&
                v->kind == Value::Kind::Dict) {
                r.wrapped = true;
                r.stateDict = tensorsOf(*v);
            }
        }
        return r;
    } catch (const c10::Error& e) {
        std::string msg = e.what_without_backtrace();
        throw std::runtime_error(path + ": " + msg.substr(0, msg.find('\n')));
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

}  // namespace dofa
