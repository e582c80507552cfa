#pragma once
// A dataset document from its id, text and codes (no evidence): the fixture notes of the retrieval, lexicon
// and network-only tests.
#include "fc/model/dataset.h"

#include <string>
#include <utility>
#include <vector>

namespace fc::testing {

inline Document doc(std::string id, std::string text, std::vector<std::string> codes) {
    Document d;
    d.id = std::move(id);
    d.text = std::move(text);
    d.codes = std::move(codes);
    return d;
}

} // namespace fc::testing
