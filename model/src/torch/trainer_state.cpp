#include "torch/trainer_state.h"

#include "fc/model/errors.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/serialize.h>

#include <cstdio>
#include <filesystem>
#include <mutex>

namespace fc::trainer {

namespace {

// Archive keys are positional ("t<i>"): the state-dict names contain dots, which archive keys may not.
std::string tensorKey(std::size_t i) {
    return "t" + std::to_string(i);
}

} // namespace

void saveTrainingState(const std::string& path, const net::Network& network,
                       const torch::optim::Optimizer& optimizer, const nlohmann::json& meta) {
    torch::serialize::OutputArchive archive;
    nlohmann::json names = nlohmann::json::array();
    const auto tensors = net::stateDict(network);
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        names.push_back(tensors[i].first);
        archive.write(tensorKey(i), tensors[i].second.detach().clone());
    }
    nlohmann::json document = meta;
    document["tensor_names"] = names;
    archive.write("meta", c10::IValue(document.dump()));

    torch::serialize::OutputArchive optimizerArchive;
    optimizer.save(optimizerArchive);
    archive.write("optimizer", optimizerArchive);

    auto generator = at::detail::getDefaultCPUGenerator();
    torch::Tensor rng;
    {
        std::lock_guard<std::mutex> lock(generator.mutex());
        rng = generator.get_state();
    }
    archive.write("cpu_generator", rng);

    const std::string temporary = path + ".tmp";
    try {
        archive.save_to(temporary);
    } catch (const c10::Error& e) {
        std::remove(temporary.c_str());
        throw std::runtime_error("cannot write training state " + path + ": " + e.what_without_backtrace());
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error) {
        std::remove(temporary.c_str());
        throw std::runtime_error("cannot write training state " + path + ": " + error.message());
    }
}

nlohmann::json readTrainingStateMeta(const std::string& path) {
    if (!std::filesystem::exists(path))
        throw ModelError("no training state at " + path + " (nothing to resume)");
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path);
        c10::IValue meta;
        archive.read("meta", meta);
        return nlohmann::json::parse(meta.toStringRef());
    } catch (const c10::Error& e) {
        throw ModelError(path + ": unreadable training state: " + e.what_without_backtrace());
    } catch (const nlohmann::json::exception& e) {
        throw ModelError(path + ": corrupt training state metadata");
    }
}

void restoreTrainingState(const std::string& path, net::Network& network,
                          torch::optim::Optimizer& optimizer) {
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path);
        c10::IValue metaValue;
        archive.read("meta", metaValue);
        const auto names = nlohmann::json::parse(metaValue.toStringRef()).at("tensor_names");
        const auto current = net::stateDict(network);
        if (names.size() != current.size())
            throw ModelError(path + ": the saved network has " + std::to_string(names.size()) +
                             " tensors, this one " + std::to_string(current.size()));
        torch::NoGradGuard noGrad;
        for (std::size_t i = 0; i < current.size(); ++i) {
            if (names[i].get<std::string>() != current[i].first)
                throw ModelError(path + ": tensor " + std::to_string(i) + " is '" +
                                 names[i].get<std::string>() + "', expected '" + current[i].first + "'");
            torch::Tensor saved;
            archive.read(tensorKey(i), saved);
            if (saved.sizes() != current[i].second.sizes())
                throw ModelError(path + ": tensor '" + current[i].first + "' has the wrong shape");
            current[i].second.copy_(saved);
        }
        torch::serialize::InputArchive optimizerArchive;
        archive.read("optimizer", optimizerArchive);
        optimizer.load(optimizerArchive);

        torch::Tensor rng;
        archive.read("cpu_generator", rng);
        auto generator = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(generator.mutex());
        generator.set_state(rng);
    } catch (const c10::Error& e) {
        throw ModelError(path + ": unreadable training state: " + e.what_without_backtrace());
    } catch (const nlohmann::json::exception&) {
        throw ModelError(path + ": corrupt training state metadata");
    }
}

} // namespace fc::trainer
