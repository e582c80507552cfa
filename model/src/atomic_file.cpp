#include "atomic_file.h"

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <unistd.h>

namespace fc {

AtomicFile::AtomicFile(std::string path) : m_path(std::move(path)) {
    static std::atomic<unsigned> counter{0};
    m_temporary = m_path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
    m_out.open(m_temporary, std::ios::binary | std::ios::trunc);
    if (!m_out)
        throw std::runtime_error("cannot create " + m_temporary);
}

AtomicFile::~AtomicFile() {
    if (!m_committed) {
        m_out.close();
        std::remove(m_temporary.c_str());
    }
}

void AtomicFile::commit() {
    m_out.flush();
    const bool written = static_cast<bool>(m_out);
    m_out.close();
    if (!written || m_out.fail())
        throw std::runtime_error("cannot write " + m_temporary);
    std::error_code error;
    std::filesystem::rename(m_temporary, m_path, error);
    if (error)
        throw std::runtime_error("cannot replace " + m_path + ": " + error.message());
    m_committed = true;
}

} // namespace fc
