#include "notetext.h"

#include "cli_common.h"

#include "fc/model/errors.h"
#include "fc/model/unicode.h"

namespace fc::cli {

std::string decodeNoteOrThrow(const QByteArray& bytes, const QString& source) {
    QByteArray data = bytes;
    if (data.startsWith("\xEF\xBB\xBF"))
        data.remove(0, 3);
    // A file that says it is a PDF is never read as text: a damaged one would be scored as a few words of
    // junk ("%PDF-1.4 garbage" suggested R52). The command line has no PDF reader; the app reads the text
    // layer of a readable PDF (ui/pdftextreader.h).
    if (data.startsWith("%PDF-"))
        throw UsageError(
            QStringLiteral("%1: a PDF file, not a text note; extract its text first (for example "
                           "pdftotext FILE note.txt) or open it in the fusioncoder app")
                .arg(source));
    const qsizetype nul = data.indexOf('\0');
    if (nul >= 0)
        throw UsageError(
            QStringLiteral("%1: binary data (NUL byte at offset %2), not a text note").arg(source).arg(nul));
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
