#include "torch/state_dict_reader.h"

#include "torch/bounded_read_adapter.h"

#include <caffe2/serialize/inline_container.h>

#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>

namespace fc::net {

namespace {

struct Value;
using ValuePtr = std::shared_ptr<Value>;

struct Value {
    enum class Kind {
        None,
        Int,
        Float,
        Bool,
        Str,
        Tuple,
        List,
        Dict,
        Global,
        Storage,
        Tensor,
        Mark
    } kind = Kind::None;
    std::int64_t i = 0;
    double f = 0.0;
    std::string s;                                      // Str; Global "module.name"; Storage record key
    std::vector<ValuePtr> items;                        // Tuple, List
    std::vector<std::pair<ValuePtr, ValuePtr>> entries; // Dict
    torch::ScalarType dtype = torch::kFloat;            // Storage
    torch::Tensor tensor;                               // Tensor
};

ValuePtr make(Value::Kind kind) {
    auto v = std::make_shared<Value>();
    v->kind = kind;
    return v;
}

torch::ScalarType storageType(const std::string& global) {
    static const std::map<std::string, torch::ScalarType> types{
        {"torch.FloatStorage", torch::kFloat}, {"torch.DoubleStorage", torch::kDouble},
        {"torch.HalfStorage", torch::kHalf},   {"torch.BFloat16Storage", torch::kBFloat16},
        {"torch.LongStorage", torch::kLong},   {"torch.IntStorage", torch::kInt},
        {"torch.ShortStorage", torch::kShort}, {"torch.CharStorage", torch::kChar},
        {"torch.ByteStorage", torch::kByte},   {"torch.BoolStorage", torch::kBool}};
    const auto it = types.find(global);
    if (it == types.end())
        throw std::runtime_error("unsupported storage type " + global);
    return it->second;
}

std::vector<std::int64_t> ints(const ValuePtr& v) {
    if (v->kind != Value::Kind::Tuple && v->kind != Value::Kind::List)
        throw std::runtime_error("expected a tuple of ints");
    std::vector<std::int64_t> out;
    for (const auto& item : v->items) {
        if (item->kind != Value::Kind::Int)
            throw std::runtime_error("expected a tuple of ints");
        out.push_back(item->i);
    }
    return out;
}

class Interpreter {
public:
    Interpreter(const std::vector<char>& pickle, caffe2::serialize::PyTorchStreamReader& archive)
        : m_data(pickle), m_archive(archive) {}

    ValuePtr run() {
        for (;;) {
            const auto op = static_cast<unsigned char>(byte());
            switch (op) {
            case 0x80: // PROTO
                byte();
                break;
            case 0x95: // FRAME
                bytes(8);
                break;
            case '.': // STOP
                return pop();
            case '(': // MARK
                m_stack.push_back(make(Value::Kind::Mark));
                break;
            case 'N':
                m_stack.push_back(make(Value::Kind::None));
                break;
            case 0x88: // NEWTRUE
            case 0x89: // NEWFALSE
            {
                auto v = make(Value::Kind::Bool);
                v->i = op == 0x88;
                m_stack.push_back(v);
                break;
            }
            case 'K': // BININT1
                pushInt(static_cast<unsigned char>(byte()));
                break;
            case 'M': // BININT2
                pushInt(static_cast<std::int64_t>(unsignedLe(2)));
                break;
            case 'J': // BININT
                pushInt(static_cast<std::int32_t>(unsignedLe(4)));
                break;
            case 0x8a: // LONG1
            {
                const auto n = static_cast<unsigned char>(byte());
                if (n > 8)
                    throw std::runtime_error("integer too large");
                std::uint64_t u = unsignedLe(n);
                if (n > 0 && n < 8 && (u >> (8 * n - 1)) & 1u)
                    u |= ~std::uint64_t(0) << (8 * n); // sign-extend
                pushInt(static_cast<std::int64_t>(u));
                break;
            }
            case 'G': // BINFLOAT, big-endian double
            {
                std::uint64_t u = 0;
                for (int k = 0; k < 8; ++k)
                    u = (u << 8) | static_cast<unsigned char>(byte());
                auto v = make(Value::Kind::Float);
                std::memcpy(&v->f, &u, sizeof u);
                m_stack.push_back(v);
                break;
            }
            case 'X': // BINUNICODE
                pushStr(bytes(unsignedLe(4)));
                break;
            case 0x8c: // SHORT_BINUNICODE
                pushStr(bytes(static_cast<unsigned char>(byte())));
                break;
            case 'c': // GLOBAL "module\nname\n"
            {
                auto g = make(Value::Kind::Global);
                const auto module = line();
                g->s = module + "." + line();
                m_stack.push_back(g);
                break;
            }
            case 'q': // BINPUT
                m_memo[static_cast<unsigned char>(byte())] = top();
                break;
            case 'r': // LONG_BINPUT
                m_memo[unsignedLe(4)] = top();
                break;
            case 0x94: // MEMOIZE
                m_memo[m_memo.size()] = top();
                break;
            case 'h': // BINGET
                m_stack.push_back(memo(static_cast<unsigned char>(byte())));
                break;
            case 'j': // LONG_BINGET
                m_stack.push_back(memo(unsignedLe(4)));
                break;
            case ')':
                m_stack.push_back(make(Value::Kind::Tuple));
                break;
            case 0x85: // TUPLE1
            case 0x86: // TUPLE2
            case 0x87: // TUPLE3
            {
                auto t = make(Value::Kind::Tuple);
                t->items.resize(static_cast<std::size_t>(op - 0x84));
                for (auto k = t->items.size(); k-- > 0;)
                    t->items[k] = pop();
                m_stack.push_back(t);
                break;
            }
            case 't': // TUPLE
            {
                auto t = make(Value::Kind::Tuple);
                t->items = popToMark();
                m_stack.push_back(t);
                break;
            }
            case ']': // EMPTY_LIST
                m_stack.push_back(make(Value::Kind::List));
                break;
            case 'a': // APPEND
            {
                auto v = pop();
                expectKind(top(), Value::Kind::List)->items.push_back(v);
                break;
            }
            case 'e': // APPENDS
            {
                auto items = popToMark();
                auto& list = expectKind(top(), Value::Kind::List)->items;
                list.insert(list.end(), items.begin(), items.end());
                break;
            }
            case '}': // EMPTY_DICT
                m_stack.push_back(make(Value::Kind::Dict));
                break;
            case 's': // SETITEM
            {
                auto v = pop();
                auto k = pop();
                expectKind(top(), Value::Kind::Dict)->entries.emplace_back(k, v);
                break;
            }
            case 'u': // SETITEMS
            {
                auto items = popToMark();
                if (items.size() % 2)
                    throw std::runtime_error("odd SETITEMS");
                auto d = expectKind(top(), Value::Kind::Dict);
                for (std::size_t k = 0; k < items.size(); k += 2)
                    d->entries.emplace_back(items[k], items[k + 1]);
                break;
            }
            case 'Q': // BINPERSID
                m_stack.push_back(storage(pop()));
                break;
            case 'R': // REDUCE
            {
                auto args = pop();
                auto callable = pop();
                m_stack.push_back(reduce(callable, args));
                break;
            }
            case 'b': // BUILD: OrderedDict state (`_metadata`) or tensor state; not needed
                pop();
                break;
            default:
                throw std::runtime_error("unsupported pickle opcode 0x" + hex(op));
            }
        }
    }

private:
    char byte() {
        if (m_pos >= m_data.size())
            throw std::runtime_error("pickle ends early");
        return m_data[m_pos++];
    }
    std::string bytes(std::size_t n) {
        if (n > m_data.size() - m_pos)
            throw std::runtime_error("pickle ends early");
        std::string s(m_data.data() + m_pos, n);
        m_pos += n;
        return s;
    }
    std::uint64_t unsignedLe(std::size_t n) {
        std::uint64_t u = 0;
        for (std::size_t k = 0; k < n; ++k)
            u |= static_cast<std::uint64_t>(static_cast<unsigned char>(byte())) << (8 * k);
        return u;
    }
    std::string line() {
        std::string s;
        for (char c = byte(); c != '\n'; c = byte())
            s += c;
        return s;
    }
    static std::string hex(unsigned v) {
        static const char* digits = "0123456789abcdef";
        return {digits[v >> 4], digits[v & 15]};
    }
    void pushInt(std::int64_t i) {
        auto v = make(Value::Kind::Int);
        v->i = i;
        m_stack.push_back(v);
    }
    void pushStr(std::string s) {
        auto v = make(Value::Kind::Str);
        v->s = std::move(s);
        m_stack.push_back(v);
    }
    ValuePtr top() {
        if (m_stack.empty())
            throw std::runtime_error("pickle stack underflow");
        return m_stack.back();
    }
    ValuePtr pop() {
        auto v = top();
        m_stack.pop_back();
        return v;
    }
    ValuePtr memo(std::uint64_t key) {
        const auto it = m_memo.find(key);
        if (it == m_memo.end())
            throw std::runtime_error("pickle refers to a missing memo entry");
        return it->second;
    }
    std::vector<ValuePtr> popToMark() {
        std::vector<ValuePtr> items;
        for (;;) {
            auto v = pop();
            if (v->kind == Value::Kind::Mark)
                break;
            items.push_back(v);
        }
        return {items.rbegin(), items.rend()};
    }
    static ValuePtr expectKind(const ValuePtr& v, Value::Kind kind) {
        if (v->kind != kind)
            throw std::runtime_error("unexpected pickle structure");
        return v;
    }

    // ('storage', <storage type global>, key, location, numel)
    ValuePtr storage(const ValuePtr& pid) {
        if (pid->kind != Value::Kind::Tuple || pid->items.size() < 5 || pid->items[0]->s != "storage" ||
            pid->items[1]->kind != Value::Kind::Global || pid->items[2]->kind != Value::Kind::Str)
            throw std::runtime_error("unsupported persistent id");
        const auto& key = pid->items[2]->s;
        const auto found = m_storages.find(key);
        if (found != m_storages.end())
            return found->second;
        auto v = make(Value::Kind::Storage);
        v->s = key;
        v->dtype = storageType(pid->items[1]->s);
        const auto numel = pid->items[4]->i;
        auto [data, size] = m_archive.getRecord("data/" + key);
        const auto elementSize = static_cast<std::int64_t>(c10::elementSize(v->dtype));
        if (static_cast<std::int64_t>(size) < numel * elementSize)
            throw std::runtime_error("storage record data/" + key + " is shorter than its tensor");
        v->tensor = torch::empty({numel}, torch::TensorOptions().dtype(v->dtype));
        std::memcpy(v->tensor.data_ptr(), data.get(), static_cast<std::size_t>(numel * elementSize));
        m_storages[key] = v;
        return v;
    }

    ValuePtr reduce(const ValuePtr& callable, const ValuePtr& args) {
        if (callable->kind != Value::Kind::Global || args->kind != Value::Kind::Tuple)
            throw std::runtime_error("unsupported pickle REDUCE");
        const auto& name = callable->s;
        if (name == "collections.OrderedDict")
            return make(Value::Kind::Dict); // items follow as SETITEMS
        if (name == "torch._utils._rebuild_tensor_v2") {
            const auto& a = args->items;
            if (a.size() < 4 || a[0]->kind != Value::Kind::Storage || a[1]->kind != Value::Kind::Int)
                throw std::runtime_error("malformed _rebuild_tensor_v2 arguments");
            const auto size = ints(a[2]), stride = ints(a[3]);
            if (size.size() != stride.size())
                throw std::runtime_error("tensor size and stride differ in rank");
            const auto& storage = a[0]->tensor;
            std::int64_t last = a[1]->i;
            for (std::size_t k = 0; k < size.size(); ++k) {
                if (size[k] < 0 || stride[k] < 0)
                    throw std::runtime_error("negative tensor size or stride");
                if (size[k] == 0)
                    last = -1;
                if (last >= 0)
                    last += (size[k] - 1) * stride[k];
            }
            if (a[1]->i < 0 || last >= storage.numel())
                throw std::runtime_error("tensor exceeds its storage");
            auto v = make(Value::Kind::Tensor);
            v->tensor = storage.as_strided(size, stride, a[1]->i);
            return v;
        }
        if (name == "torch._utils._rebuild_parameter") {
            if (args->items.empty() || args->items[0]->kind != Value::Kind::Tensor)
                throw std::runtime_error("malformed _rebuild_parameter arguments");
            return args->items[0];
        }
        throw std::runtime_error("unsupported pickle global " + name);
    }

    const std::vector<char>& m_data;
    caffe2::serialize::PyTorchStreamReader& m_archive;
    std::size_t m_pos = 0;
    std::vector<ValuePtr> m_stack;
    std::map<std::uint64_t, ValuePtr> m_memo;
    std::map<std::string, ValuePtr> m_storages;
};

} // namespace

std::vector<std::pair<std::string, torch::Tensor>> readPythonStateDict(const std::vector<char>& bytes) {
    try {
        caffe2::serialize::PyTorchStreamReader archive(std::make_shared<BoundedReadAdapter>(bytes));
        auto [data, size] = archive.getRecord("data.pkl");
        const auto* begin = static_cast<const char*>(data.get());
        const std::vector<char> pickle(begin, begin + size);
        const auto root = Interpreter(pickle, archive).run();
        if (root->kind != Value::Kind::Dict)
            throw std::runtime_error("the archive holds no dictionary of tensors");
        std::vector<std::pair<std::string, torch::Tensor>> out;
        for (const auto& [key, value] : root->entries) {
            if (key->kind == Value::Kind::Str && value->kind == Value::Kind::Tensor)
                out.emplace_back(key->s, value->tensor.contiguous());
        }
        return out;
    } catch (const c10::Error& e) {
        const std::string what = e.what_without_backtrace();
        throw std::runtime_error(what.substr(0, what.find('\n')));
    }
}

} // namespace fc::net
