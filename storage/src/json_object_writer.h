#pragma once
// Builds one flat JSON object (RFC 8259) for audit_log.details_json. Strings are UTF-8 and passed through;
// non-finite numbers become null.
#include <cstdint>
#include <string>

namespace fc::storage::detail {

class JsonObjectWriter {
public:
    JsonObjectWriter& add(const std::string& key, const std::string& value);
    JsonObjectWriter& add(const std::string& key, std::int64_t value);
    JsonObjectWriter& add(const std::string& key, double value);
    std::string str() const { return "{" + m_members + "}"; }

private:
    void addKey(const std::string& key);
    std::string m_members;
};

std::string jsonQuoted(const std::string& text);

} // namespace fc::storage::detail
