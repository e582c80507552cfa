#include "fc/storage/repositories.h"

namespace fc::storage {

std::string toString(DecisionKind kind) {
    switch (kind) {
    case DecisionKind::Accepted:
        return "accepted";
    case DecisionKind::Rejected:
        return "rejected";
    case DecisionKind::Added:
        return "added";
    case DecisionKind::Removed:
        return "removed";
    }
    return "accepted"; // unreachable for valid enumerators
}

std::optional<DecisionKind> decisionKindFromString(const std::string& text) {
    for (DecisionKind kind :
         {DecisionKind::Accepted, DecisionKind::Rejected, DecisionKind::Added, DecisionKind::Removed}) {
        if (toString(kind) == text)
            return kind;
    }
    return std::nullopt;
}

} // namespace fc::storage
