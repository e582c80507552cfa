#pragma once
// Exceptions thrown by fc::model. Callers map InputError to exit code 2 ("bad input") and
// ModelError to a clear "this model cannot be used" message; neither may leave partial state behind.
#include <stdexcept>
#include <string>

namespace fc {

// The caller's data is unusable: invalid UTF-8, malformed JSON line, wrong file format. The message says
// what and where (file, line, byte offset) in one line.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A model directory or checkpoint is missing, corrupt or inconsistent (shapes, label count, vocabulary size).
class ModelError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Raised inside long work when the caller's cancel flag was set; never escapes a public API that
// documents a cancel flag without being caught and reported as "cancelled".
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

} // namespace fc
