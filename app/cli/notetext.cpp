#include "notetext.h"

#include "cli_common.h"

#include "fc/model/errors.h"
#include "fc/model/unicode.h"


namespace fc::cli {

std::string decodeNoteOrThrow(const QByteArray& bytes, const QString& source) {
    QByteArray data = bytes;
    if (data.startsWith("\xEF\xBB\xBF"))
        data.remove(0, 3);
    const qsizetype nul = data.indexOf('\0');
    if (nul >= 0)
        throw UsageError(QStringLiteral("%1: binary data (NUL byte at offset %2), not a text note").arg(source).arg(nul));
    std::string text(data.constData(), static_cast<size_t>(data.size()));
    try {
        (void)decodeUtf8(text);
    } catch (const InputError& e) {
        throw UsageError(QStringLiteral("%1: %2").arg(source, QString::fromUtf8(e.what())));
    }
    return text;
}

std::unordered_map<std::string, std::string> systemsByCode(const ModelInfo& info) {
    std::unordered_map<std::string, std::string> systems;
    for (size_t i = 0; i < info.labels.size(); ++i)
        systems.emplace(info.labels[i], i < info.labelSystems.size() ? info.labelSystems[i] : std::string());
    return systems;
}

} // namespace fc::cli
