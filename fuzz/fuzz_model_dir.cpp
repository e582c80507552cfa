// Loading a damaged model directory: the first input byte picks which file of the tiny model is replaced
// by the rest of the input (model.json, weights.pt, labels.txt, vocab.txt); readModelConfig + Engine::load +
// predict must either work or throw ModelError / InputError (exit code 2 in the CLI), nothing else.
#include "fuzz_support.h"

#include "fc/model/engine.h"
#include "fc/model/errors.h"

#include <filesystem>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const char* const kFiles[] = {"model.json", "weights.pt", "labels.txt", "vocab.txt"};
    if (size < 1)
        return 0;
    const std::string source = fc::fuzz::tinyModelDirectory();
    const std::string work = fc::fuzz::scratchDirectory() + "/model";
    std::filesystem::remove_all(work);
    std::filesystem::copy(source, work);
    fc::fuzz::writeFile(work + "/" + kFiles[data[0] % 4],
                        std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
    try {
        (void)fc::readModelConfig(work);
        const auto engine = fc::Engine::load(work, 1);
        const auto prediction = engine->predict("fever and cough with chest pain, no fever");
        fc::fuzz::require(prediction.codes.size() == engine->info().labels.size(), "wrong number of scores");
        for (const auto& code : prediction.codes)
            fc::fuzz::require(code.score >= 0.0f && code.score <= 1.0f, "score outside [0, 1]");
    } catch (const fc::ModelError& e) {
        fc::fuzz::require(std::string(e.what()).find('\n') == std::string::npos,
                          "model error is not one line");
    } catch (const fc::InputError& e) {
        fc::fuzz::require(std::string(e.what()).find('\n') == std::string::npos,
                          "input error is not one line");
    }
    return 0;
}
