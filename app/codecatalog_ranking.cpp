#include "codecatalog.h"

#include <algorithm>

namespace fc {

QList<CatalogHit> rankForCoding(QList<CatalogHit> hits, const QHash<QString, double>& noteScores) {
    const auto tier = [&noteScores](const CatalogHit& hit) {
        if (hit.match == CatalogMatch::ExactCode)
            return 0;
        if (noteScores.contains(hit.entry.code))
            return 1;
        return hit.entry.billable ? 2 : 3;
    };
    std::stable_sort(hits.begin(), hits.end(), [&](const CatalogHit& a, const CatalogHit& b) {
        const int ta = tier(a), tb = tier(b);
        if (ta != tb)
            return ta < tb;
        if (ta == 1)
            return noteScores.value(a.entry.code) > noteScores.value(b.entry.code);
        return false;
    });
    return hits;
}

} // namespace fc
