// fc::importPytorch on a damaged checkpoint file (the input is the state-dict file; vocabulary and labels
// are the tiny model's): either a model directory that loads, or ModelError / InputError.
#include "fuzz_support.h"

#include "fc/model/engine.h"
#include "fc/model/errors.h"
#include "fc/model/modelfiles.h"

#include <filesystem>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string model = fc::fuzz::tinyModelDirectory();
    const std::string scratch = fc::fuzz::scratchDirectory();
    const std::string checkpoint = scratch + "/state_dict.pt";
    const std::string out = scratch + "/imported";
    fc::fuzz::writeFile(checkpoint, std::string_view(reinterpret_cast<const char*>(data), size));
    std::filesystem::remove_all(out);
    fc::ImportMetadata metadata;
    metadata.options = fc::fuzz::tinyNetworkOptions();
    try {
        fc::importPytorch(checkpoint, model + "/vocab.txt", model + "/labels.txt", "fusion", out, metadata);
        const auto engine = fc::Engine::load(out, 1);
        fc::fuzz::require(engine->info().labels.size() == 2, "imported model lost its labels");
    } catch (const fc::ModelError& e) {
        fc::fuzz::require(std::string(e.what()).find('\n') == std::string::npos,
                          "model error is not one line");
        fc::fuzz::require(!std::filesystem::exists(out), "a failed import left a model directory behind");
    } catch (const fc::InputError& e) {
        fc::fuzz::require(std::string(e.what()).find('\n') == std::string::npos,
                          "input error is not one line");
        fc::fuzz::require(!std::filesystem::exists(out), "a failed import left a model directory behind");
    }
    return 0;
}
