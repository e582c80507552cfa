#pragma once
// A guard for pickles read from untrusted files (data.pkl of weights.pt and PyTorch checkpoints): LibTorch
// 1.13's unpickler reserves a string's declared length before reading it, so an 11 KB damaged checkpoint
// declaring a 4 GB string made it allocate 4 GB (found by fuzz_import_pytorch). This walks the opcodes
// PyTorch's pickles use and reports an argument that runs past the end of the pickle, or a memo index larger
// than the pickle (LibTorch reserves memo slots up to twice the index: a 4-byte index asked for 27 GB).
#include <cstddef>
#include <string>

namespace fc {

// "" when no argument runs past the end, or when the walk meets an opcode it does not know (the unpickler
// then judges the rest); else what is wrong.
std::string picklePastItsEnd(const char* data, std::size_t size);

} // namespace fc
