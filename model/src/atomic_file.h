#pragma once
// Writes a file so that readers see the old content or the complete new one, never a partial file:
// the content goes to a temporary sibling that commit() renames onto the target. Not thread-safe.
#include <fstream>
#include <string>

namespace fc {

class AtomicFile {
public:
    // Opens "<path>.tmp.<pid>.<n>" for binary writing; std::runtime_error if that fails.
    explicit AtomicFile(std::string path);
    // Removes the temporary file unless commit() succeeded.
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    std::ofstream& stream() { return m_out; }
    // Flushes, closes and renames onto the target; std::runtime_error on any I/O failure.
    void commit();

private:
    std::string m_path;
    std::string m_temporary;
    std::ofstream m_out;
    bool m_committed = false;
};

} // namespace fc
