#include "fuzz_support.h"

#include "fc/model/modelfiles.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <unistd.h>

namespace fc::fuzz {

namespace {

struct ScratchDirectory {
    std::filesystem::path path;
    ScratchDirectory() {
        path = std::filesystem::temp_directory_path() / ("fusioncoder-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(path);
    }
    ~ScratchDirectory() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

} // namespace

const std::string& scratchDirectory() {
    static const ScratchDirectory scratch;
    static const std::string path = scratch.path.string();
    return path;
}

NetworkOptions tinyNetworkOptions() {
    NetworkOptions options;
    options.embeddingDim = 4;
    options.filterSizes = {3};
    options.filterMaps = 4;
    options.heads = 2;
    options.ffnDim = 4;
    options.maxTokens = 8;
    return options;
}

const std::string& tinyModelDirectory() {
    static const std::string directory = [] {
        const std::string path = scratchDirectory() + "/tiny-model";
        ModelConfig config;
        config.name = "fuzz";
        config.arch = "fusion";
        config.options = tinyNetworkOptions();
        config.labels = {"A00.0", "B01.1"};
        createModel(config, {"cough", "fever", "pain"}, 1, path);
        return path;
    }();
    return directory;
}

void writeFile(const std::string& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    require(static_cast<bool>(out), "fuzz support: cannot write a scratch file");
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void require(bool condition, const char* what) {
    if (!condition) {
        std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
        std::abort();
    }
}

} // namespace fc::fuzz
