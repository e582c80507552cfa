// The CLI's note decoding (app/cli/notetext.cpp decodeNoteOrThrow) on arbitrary bytes: either a UsageError
// (binary or invalid UTF-8: exit code 2 with one line) or valid UTF-8 text that round-trips through
// fc::decodeUtf8 / fc::encodeUtf8 and tokenises.
#include "fuzz_support.h"

#include "cli_common.h"
#include "notetext.h"

#include "fc/model/tokenizer.h"
#include "fc/model/unicode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const QByteArray bytes(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    std::string text;
    try {
        text = fc::cli::decodeNoteOrThrow(bytes, QStringLiteral("note.txt"));
    } catch (const fc::cli::UsageError& e) {
        const std::string message = e.what();
        fc::fuzz::require(!message.empty() && message.find('\n') == std::string::npos,
                          "note decoding error is not one line");
        return 0;
    }
    fc::fuzz::require(fc::isValidUtf8(text), "decoded note is not valid UTF-8");
    fc::fuzz::require(text.find('\0') == std::string::npos, "decoded note holds a NUL byte");
    fc::fuzz::require(fc::encodeUtf8(fc::decodeUtf8(text)) == text, "UTF-8 round trip changed the note");
    (void)fc::tokenize(text);
    return 0;
}
