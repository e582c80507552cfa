// A ReadAdapterInterface over bytes in memory that never reads past their end. LibTorch 1.13's own
// in-memory adapters copy whatever range miniz asks for, so a damaged zip directory (offsets beyond the
// file) reads out of bounds; with this adapter miniz sees a short read and reports a corrupt archive.
#pragma once

#include <caffe2/serialize/read_adapter_interface.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace fc::net {

class BoundedReadAdapter final : public caffe2::serialize::ReadAdapterInterface {
public:
    explicit BoundedReadAdapter(const std::vector<char>& bytes) : m_bytes(bytes) {}

    size_t size() const override { return m_bytes.size(); }

    size_t read(uint64_t pos, void* buf, size_t n, const char* /*what*/ = "") const override {
        if (pos >= m_bytes.size())
            return 0;
        const size_t count = std::min<size_t>(n, m_bytes.size() - static_cast<size_t>(pos));
        std::memcpy(buf, m_bytes.data() + pos, count);
        return count;
    }

private:
    const std::vector<char>& m_bytes; // owned by the caller, outlives the reader
};

} // namespace fc::net
