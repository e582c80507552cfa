// picklePastItsEnd (pickle_scan.h). Opcodes: CPython Lib/pickletools.py, protocols 2-5: the subset that
// torch.save and LibTorch's pickler write (the one state_dict_reader.cpp interprets) and every opcode whose
// argument carries a length.
#include "pickle_scan.h"

#include <cstdint>
#include <cstring>

namespace fc {

std::string picklePastItsEnd(const char* data, std::size_t size) {
    std::size_t pos = 0;
    const auto lengthAt = [&](std::size_t at, int n) {
        std::uint64_t v = 0;
        for (int i = n - 1; i >= 0; --i)
            v = (v << 8) | static_cast<unsigned char>(data[at + static_cast<std::size_t>(i)]);
        return v;
    };
    while (pos < size) {
        const auto op = static_cast<unsigned char>(data[pos++]);
        std::uint64_t argument = 0; // bytes after the opcode
        switch (op) {
        case '.': // STOP
            return {};
        case '(':
        case 'N':
        case 0x88:
        case 0x89:
        case ')':
        case 0x85:
        case 0x86:
        case 0x87:
        case 't':
        case ']':
        case 'a':
        case 'e':
        case '}':
        case 's':
        case 'u':
        case 'Q':
        case 'R':
        case 'b':
        case 0x94:
            break;
        case 0x80:
        case 'K':
        case 'q':
        case 'h': // PROTO, BININT1, BINPUT, BINGET
            argument = 1;
            break;
        case 'M': // BININT2
            argument = 2;
            break;
        case 'J':
        case 'r':
        case 'j': // BININT, LONG_BINPUT, LONG_BINGET
            argument = 4;
            break;
        case 'G':
        case 0x95: // BINFLOAT, FRAME
            argument = 8;
            break;
        case 0x8a:
        case 0x8c: // LONG1, SHORT_BINUNICODE: 1-byte length
            if (pos + 1 > size)
                return "the pickle ends inside an opcode";
            argument = 1 + lengthAt(pos, 1);
            break;
        case 'C':
        case 'U': // SHORT_BINBYTES, SHORT_BINSTRING: 1-byte length
            if (pos + 1 > size)
                return "the pickle ends inside an opcode";
            argument = 1 + lengthAt(pos, 1);
            break;
        case 'X':
        case 'B':
        case 'T': // BINUNICODE, BINBYTES, BINSTRING: 4-byte length
            if (pos + 4 > size)
                return "the pickle ends inside an opcode";
            argument = 4 + lengthAt(pos, 4);
            break;
        case 0x8d:
        case 0x8e:
        case 0x96: // BINUNICODE8, BINBYTES8, BYTEARRAY8: 8-byte length
            if (pos + 8 > size)
                return "the pickle ends inside an opcode";
            argument = lengthAt(pos, 8);
            if (argument > size)
                return "an opcode at byte " + std::to_string(pos - 1) + " declares " +
                       std::to_string(argument) + " bytes, past the end of the " + std::to_string(size) +
                       "-byte pickle";
            argument += 8;
            break;
        case 'c': { // GLOBAL: two newline-terminated lines
            for (int line = 0; line < 2; ++line) {
                const void* newline = std::memchr(data + pos, '\n', size - pos);
                if (!newline)
                    return "the pickle ends inside a GLOBAL opcode";
                pos = static_cast<std::size_t>(static_cast<const char*>(newline) - data) + 1;
            }
            break;
        }
        default:
            return {}; // not one of PyTorch's opcodes: the unpickler judges
        }
        if ((op == 'r' || op == 'j') && argument <= size - pos && lengthAt(pos, 4) > size)
            // Memo indices count the objects stored so far; LibTorch reserves room up to twice the index.
            return "a memo index at byte " + std::to_string(pos - 1) + " (" +
                   std::to_string(lengthAt(pos, 4)) + ") exceeds what a " + std::to_string(size) +
                   "-byte pickle can hold";
        if (argument > size - pos)
            return "an opcode at byte " + std::to_string(pos - 1) + " declares " + std::to_string(argument) +
                   " bytes, past the end of the " + std::to_string(size) + "-byte pickle";
        pos += static_cast<std::size_t>(argument);
    }
    return {};
}

} // namespace fc
