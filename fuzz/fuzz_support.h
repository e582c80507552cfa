#pragma once
// Shared pieces of the fuzz targets (fuzz/fuzz_<name>.cpp). Each target defines LLVMFuzzerTestOneInput;
// under FC_FUZZ it links libFuzzer, otherwise replay_main.cpp runs it over files (CTest: the committed
// corpus and regression inputs once each).
#include "fc/model/modelfiles.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fc::fuzz {

// A per-process scratch directory (created on first use, removed at exit).
const std::string& scratchDirectory();

// A tiny Fusion model directory (2 labels, 3 words, embedding 4, one branch of 4 maps, window 8 tokens),
// created once per process with a fixed seed under scratchDirectory()/tiny-model; its files are small enough
// to be fuzz inputs (weights.pt is a few KB).
const std::string& tinyModelDirectory();
// The network options of that model (what importPytorch must be told to accept its weights.pt).
NetworkOptions tinyNetworkOptions();

void writeFile(const std::string& path, std::string_view bytes);
std::string readFile(const std::string& path);

// Aborts (a finding for the fuzzer) with a message on stderr when `condition` is false.
void require(bool condition, const char* what);

} // namespace fc::fuzz
