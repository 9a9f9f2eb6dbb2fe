// SPDX-License-Identifier: MIT
#include "torch_pickle_reader.h"

#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include <caffe2/serialize/inline_container.h>

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

class Unpickler
{
public:
    Unpickler(const std::vector<char>& data, caffe2::serialize::PyTorchStreamReader& zip)
        : m_data(data), m_zip(zip)
    {}

    ValuePtr run()
    {
        for (;;) {
            const unsigned char op = byte();
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
                    const ValuePtr pid = pop();
                    push(loadStorage(pid));
                    break;
                }
                case 'R': {  // REDUCE
                    const ValuePtr args = pop();
                    const ValuePtr fn = pop();
                    push(reduce(fn, args));
                    break;
                }
                case 'b':  // BUILD: state of an object; dicts and tensors ignore it
                    pop();
                    break;
                case 's': {  // SETITEM
                    const ValuePtr v = pop();
                    const ValuePtr k = pop();
                    top()->entries.emplace_back(k, v);
                    break;
                }
                case 'u': {  // SETITEMS
                    const std::vector<ValuePtr> kv = popToMark();
                    for (size_t k = 0; k + 1 < kv.size(); k += 2) {
                        top()->entries.emplace_back(kv[k], kv[k + 1]);
                    }
                    break;
                }
                case 'a': {  // APPEND
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
                    throw std::runtime_error("unsupported pickle opcode 0x" + hex(op) +
                                             " at byte " + std::to_string(m_pos - 1));
            }
        }
    }

private:
    unsigned char byte()
    {
        if (m_pos >= m_data.size()) {
            throw std::runtime_error("pickle ends early");
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
    void push(ValuePtr v) { m_stack.push_back(std::move(v)); }
    void pushInt(int64_t x)
    {
        auto v = make(Value::Kind::Int);
        v->i = x;
        push(v);
    }
    void pushString(uint64_t n)
    {
        auto v = make(Value::Kind::String);
        if (m_pos + n > m_data.size()) {
            throw std::runtime_error("pickle ends inside a string");
        }
        v->s.assign(m_data.data() + m_pos, n);
        m_pos += n;
        push(v);
    }
    ValuePtr pop()
    {
        if (m_stack.empty()) {
            throw std::runtime_error("pickle stack underflow");
        }
        ValuePtr v = m_stack.back();
        m_stack.pop_back();
        return v;
    }
    ValuePtr top()
    {
        if (m_stack.empty()) {
            throw std::runtime_error("pickle stack underflow");
        }
        return m_stack.back();
    }
    ValuePtr memo(uint64_t k)
    {
        const auto it = m_memo.find(k);
        if (it == m_memo.end()) {
            throw std::runtime_error("pickle refers to unknown memo " + std::to_string(k));
        }
        return it->second;
    }
    std::vector<ValuePtr> popToMark()
    {
        if (m_marks.empty()) {
            throw std::runtime_error("pickle MARK missing");
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
            pid->items[0]->s != "storage") {
            throw std::runtime_error("unknown persistent id in pickle");
        }
        const torch::ScalarType type = storageType(pid->items[1]->s);
        const std::string key = pid->items[2]->s;
        const int64_t numel = pid->items[4]->i;
        auto cached = m_storages.find(key);
        if (cached == m_storages.end()) {
            auto [ptr, size] = m_zip.getRecord("data/" + key);
            torch::Tensor t = torch::empty({numel}, type);
            const size_t bytes = static_cast<size_t>(numel) * t.element_size();
            if (size < bytes) {
                throw std::runtime_error("storage data/" + key + " holds " + std::to_string(size) +
                                         " bytes, needs " + std::to_string(bytes));
            }
            std::memcpy(t.data_ptr(), ptr.get(), bytes);
            cached = m_storages.emplace(key, t).first;
        }
        auto v = make(Value::Kind::Tensor);
        v->tensor = cached->second;
        return v;
    }

    ValuePtr reduce(const ValuePtr& fn, const ValuePtr& args)
    {
        const std::string& name = fn->s;
        if (name == "torch._utils._rebuild_tensor_v2" || name == "torch._utils._rebuild_tensor") {
            // (storage, storage_offset, size, stride, ...)
            if (args->items.size() < 4 || args->items[0]->kind != Value::Kind::Tensor) {
                throw std::runtime_error("malformed tensor record");
            }
            std::vector<int64_t> size, stride;
            for (const ValuePtr& s : args->items[2]->items) {
                size.push_back(s->i);
            }
            for (const ValuePtr& s : args->items[3]->items) {
                stride.push_back(s->i);
            }
            auto v = make(Value::Kind::Tensor);
            v->tensor = args->items[0]->tensor.as_strided(size, stride, args->items[1]->i).clone();
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
    caffe2::serialize::PyTorchStreamReader& m_zip;
    size_t m_pos = 0;
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
        caffe2::serialize::PyTorchStreamReader zip(path);
        auto [ptr, size] = zip.getRecord("data.pkl");
        const std::vector<char> pickle(static_cast<const char*>(ptr.get()),
                                       static_cast<const char*>(ptr.get()) + size);
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
        throw std::runtime_error(
            path + ": not a readable PyTorch zip file: " + msg.substr(0, msg.find('\n')));
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

}  // namespace dofa
