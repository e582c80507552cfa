// Runs a fuzz target's LLVMFuzzerTestOneInput once on each input, without libFuzzer: arguments are files
// or directories (every regular file inside, sorted); options starting with '-' are ignored so the
// command line of a libFuzzer run works, except -replay_mutations=N: each input is also run N times
// deterministically damaged (bit flips, truncation, inserted/overwritten bytes, duplicated chunks; seeded by
// input index and mutation number), a fast in-process bad-input test. Exit 0 when every input ran; a
// finding aborts.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

// xorshift64*: deterministic on every platform (std:: distributions are not).
struct Random {
    std::uint64_t state;
    std::uint64_t next() {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        return state * 2685821657736338717ULL;
    }
    std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
};

std::string mutate(std::string bytes, Random& random) {
    static const char kSpecial[] = {'\0', '\xff', '\x80', '\xc3', '\xed', '"',
                                    '\\', '{',    '\n',   '\t',   '9',    '-'};
    const int operations = 1 + static_cast<int>(random.below(4));
    for (int i = 0; i < operations; ++i) {
        switch (random.below(6)) {
        case 0: // flip one bit
            if (!bytes.empty())
                bytes[random.below(bytes.size())] ^= static_cast<char>(1u << random.below(8));
            break;
        case 1: // truncate
            bytes.resize(random.below(bytes.size() + 1));
            break;
        case 2: // insert a special byte
            bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(random.below(bytes.size() + 1)),
                         kSpecial[random.below(sizeof kSpecial)]);
            break;
        case 3: // overwrite a byte with a random one
            if (!bytes.empty())
                bytes[random.below(bytes.size())] = static_cast<char>(random.next() & 0xff);
            break;
        case 4: { // duplicate a chunk
            if (bytes.empty())
                break;
            const auto begin = random.below(bytes.size());
            const auto length = 1 + random.below(std::min<std::size_t>(64, bytes.size() - begin));
            bytes.insert(random.below(bytes.size() + 1), bytes.substr(begin, length));
            break;
        }
        default: // erase a chunk
            if (!bytes.empty()) {
                const auto begin = random.below(bytes.size());
                bytes.erase(begin, 1 + random.below(std::min<std::size_t>(64, bytes.size() - begin)));
            }
        }
    }
    return bytes;
}

void run(const std::string& bytes) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::filesystem::path> inputs;
    long mutations = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path argument(argv[i]);
        const std::string flag = "-replay_mutations=";
        if (std::string(argv[i]).rfind(flag, 0) == 0)
            mutations = std::strtol(argv[i] + flag.size(), nullptr, 10);
        if (argv[i][0] == '-')
            continue;
        if (std::filesystem::is_directory(argument)) {
            std::vector<std::filesystem::path> files;
            for (const auto& entry : std::filesystem::directory_iterator(argument))
                if (entry.is_regular_file())
                    files.push_back(entry.path());
            std::sort(files.begin(), files.end());
            inputs.insert(inputs.end(), files.begin(), files.end());
        } else if (std::filesystem::is_regular_file(argument)) {
            inputs.push_back(argument);
        } else {
            std::fprintf(stderr, "replay: no such input: %s\n", argv[i]);
            return 2;
        }
    }
    std::size_t runs = 0;
    for (std::size_t index = 0; index < inputs.size(); ++index) {
        std::ifstream in(inputs[index], std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        run(bytes);
        ++runs;
        for (long m = 0; m < mutations; ++m) {
            Random random{0x9E3779B97F4A7C15ULL ^ (index * 1000003ULL + static_cast<std::uint64_t>(m) + 1)};
            run(mutate(bytes, random));
            ++runs;
        }
    }
    std::printf("replay: %zu inputs, %zu runs\n", inputs.size(), runs);
    return 0;
}
