#include "json_object_writer.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace fc::storage::detail {

std::string jsonQuoted(const std::string& text) {
    std::string quoted = "\"";
    for (char c : text) {
        switch (c) {
        case '"':
            quoted += "\\\"";
            break;
        case '\\':
            quoted += "\\\\";
            break;
        case '\n':
            quoted += "\\n";
            break;
        case '\r':
            quoted += "\\r";
            break;
        case '\t':
            quoted += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char escape[8];
                std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(c));
                quoted += escape;
            } else {
                quoted += c;
            }
        }
    }
    return quoted + "\"";
}

void JsonObjectWriter::addKey(const std::string& key) {
    if (!m_members.empty())
        m_members += ",";
    m_members += jsonQuoted(key) + ":";
}

JsonObjectWriter& JsonObjectWriter::add(const std::string& key, const std::string& value) {
    addKey(key);
    m_members += jsonQuoted(value);
    return *this;
}

JsonObjectWriter& JsonObjectWriter::add(const std::string& key, std::int64_t value) {
    addKey(key);
    m_members += std::to_string(value);
    return *this;
}

JsonObjectWriter& JsonObjectWriter::add(const std::string& key, double value) {
    addKey(key);
    if (!std::isfinite(value)) {
        m_members += "null";
        return *this;
    }
    char text[32];
    const auto result = std::to_chars(text, text + sizeof text, value); // shortest text that round-trips
    m_members.append(text, result.ptr);
    return *this;
}

} // namespace fc::storage::detail
