// splitReviewedNotes and reviewedNotesAsDocuments (finetune.h): the deterministic held-out split.
#include "fc/model/dataset.h"
#include "fc/model/finetune.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace fc {

namespace {

std::uint32_t fnv1a(const std::string& text) {
    std::uint32_t hash = 2166136261u;
    for (const unsigned char c : text) {
        hash ^= c;
        hash *= 16777619u;
    }
    return hash;
}

} // namespace

ReviewSplit splitReviewedNotes(const std::vector<ReviewedNote>& notes, double heldOutFraction) {
    const auto cut = static_cast<std::uint32_t>(std::lround(std::clamp(heldOutFraction, 0.0, 1.0) * 1000.0));
    ReviewSplit split;
    std::vector<std::uint32_t> fineTuneKeys, heldOutKeys;
    for (const auto& note : notes) {
        const std::uint32_t key = fnv1a(note.id) % 1000u;
        if (key < cut) {
            split.heldOut.push_back(note);
            heldOutKeys.push_back(key);
        } else {
            split.fineTune.push_back(note);
            fineTuneKeys.push_back(key);
        }
    }
    if (notes.size() >= 2 && cut > 0 && split.heldOut.empty()) {
        const auto it = std::min_element(fineTuneKeys.begin(), fineTuneKeys.end());
        const auto index = static_cast<std::size_t>(it - fineTuneKeys.begin());
        split.heldOut.push_back(split.fineTune[index]);
        split.fineTune.erase(split.fineTune.begin() + static_cast<long>(index));
    } else if (notes.size() >= 2 && split.fineTune.empty()) {
        const auto it = std::max_element(heldOutKeys.begin(), heldOutKeys.end());
        const auto index = static_cast<std::size_t>(it - heldOutKeys.begin());
        split.fineTune.push_back(split.heldOut[index]);
        split.heldOut.erase(split.heldOut.begin() + static_cast<long>(index));
    }
    return split;
}

std::vector<Document> reviewedNotesAsDocuments(const std::vector<ReviewedNote>& notes) {
    std::vector<Document> documents;
    documents.reserve(notes.size());
    for (const auto& note : notes) {
        Document doc;
        doc.id = note.id;
        doc.text = note.text;
        doc.codes = note.positive;
        documents.push_back(std::move(doc));
    }
    return documents;
}

} // namespace fc
