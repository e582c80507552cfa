#pragma once
// Reads a state_dict saved by Python's torch.save (zip format) without LibTorch's unpickler.
//
// Why: LibTorch 1.13's torch::pickle_load turns every `collections.OrderedDict` into None, so it fails on
// every real `model.state_dict()` file (an OrderedDict with a `_metadata` attribute); it reads only a
// plain dict (measured: see tst_interop and the report). This is a restricted pickle interpreter for the
// opcodes torch.save (protocol 2) emits for a dictionary of tensors: dicts/OrderedDicts, strings, ints,
// bools, tuples, lists, floats, None, persistent storage ids and torch._utils._rebuild_tensor_v2 /
// _rebuild_parameter. Any other global is an error: nothing is ever executed.
#include <torch/types.h>

#include <string>
#include <utility>
#include <vector>

namespace fc::net {

// bytes: a whole zip archive as written by torch.save. Returns the top-level dictionary's tensor entries in
// file order (non-tensor entries are skipped). Throws std::runtime_error with a one-line reason.
std::vector<std::pair<std::string, torch::Tensor>> readPythonStateDict(const std::vector<char>& bytes);

} // namespace fc::net
