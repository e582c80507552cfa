#include "codingtypes.h"

#include "codecatalog.h"
#include "fc/model/engine.h"
#include "fc/storage/sha256.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace fc {

QString statusName(SuggestionStatus status) {
    switch (status) {
    case SuggestionStatus::Suggested:
        return QStringLiteral("suggested");
    case SuggestionStatus::Accepted:
        return QStringLiteral("accepted");
    case SuggestionStatus::Rejected:
        return QStringLiteral("rejected");
    case SuggestionStatus::Added:
        return QStringLiteral("added");
    }
    return {};
}

const QStringList& poaValues() {
    static const QStringList values{QString(),           QStringLiteral("Y"), QStringLiteral("N"),
                                    QStringLiteral("U"), QStringLiteral("W"), QStringLiteral("1")};
    return values;
}

void describe(Suggestion& suggestion, const CodeCatalog& catalog) {
    const auto entry = catalog.lookup(suggestion.system, suggestion.code);
    if (!entry)
        return;
    suggestion.description = codeDescription(*entry);
    suggestion.billable = entry->billable;
}

std::vector<Suggestion> suggestionsFromPrediction(const Prediction& prediction, const ModelInfo& model,
                                                  const CodeCatalog* catalog) {
    std::unordered_map<std::string, std::string> systems;
    for (size_t i = 0; i < model.labels.size() && i < model.labelSystems.size(); ++i)
        systems.emplace(model.labels[i], model.labelSystems[i]);

    std::vector<Suggestion> suggestions;
    suggestions.reserve(prediction.codes.size());
    for (const CodeScore& scored : prediction.codes) {
        Suggestion suggestion;
        suggestion.code = QString::fromStdString(scored.code);
        const auto system = systems.find(scored.code);
        suggestion.system =
            system != systems.end() ? QString::fromStdString(system->second) : QStringLiteral("unknown");
        suggestion.score = static_cast<double>(scored.score);
        suggestion.evidence = scored.evidence;
        if (catalog)
            describe(suggestion, *catalog);
        suggestions.push_back(std::move(suggestion));
    }
    return suggestions;
}

double predictionMargin(const Prediction& prediction, double threshold) {
    double margin = 1.0;
    for (const CodeScore& scored : prediction.codes)
        margin = std::min(margin, std::abs(static_cast<double>(scored.score) - threshold));
    return margin;
}

QString noteSha256(const QString& text) {
    return QString::fromStdString(storage::sha256Hex(text.toStdString()));
}

QString systemShortName(const QString& system) {
    if (system == QLatin1String("unknown") || system.isEmpty())
        return QStringLiteral("unknown");
    return system.toUpper();
}

QString systemLongName(const QString& system) {
    if (system.endsWith(QLatin1String("-cm")))
        return systemShortName(system) + QStringLiteral(" diagnosis");
    if (system.endsWith(QLatin1String("-pcs")))
        return systemShortName(system) + QStringLiteral(" procedure");
    return QStringLiteral("Unknown code system");
}

} // namespace fc
