#include "notefilereader.h"

#include "pdftextreader.h"

#include <QFile>
#include <QFileInfo>
#include <QStringDecoder>

namespace fc::ui {

NoteFile NoteFileReader::read(const QString& path) {
    NoteFile note;
    const QFileInfo info(path);
    if (!info.exists()) {
        note.error = QObject::tr("%1: no such file").arg(path);
        return note;
    }
    if (!info.isFile()) {
        note.error = QObject::tr("%1: not a regular file").arg(path);
        return note;
    }
    if (info.size() > kMaxBytes) {
        note.error = QObject::tr("%1: too large for a note (%2 MiB; the limit is %3 MiB)")
                         .arg(path)
                         .arg(info.size() / (1024 * 1024))
                         .arg(kMaxBytes / (1024 * 1024));
        return note;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        note.error = QObject::tr("%1: cannot be read (%2)").arg(path, file.errorString());
        return note;
    }
    return decode(file.readAll(), path);
}

namespace {

// UTF-16 without a byte-order mark: text in Latin scripts has a zero high byte in most code units, so the
// NULs sit on one side. Returns 0 (not UTF-16), 1 (LE) or 2 (BE).
int guessUtf16(const QByteArray& bytes) {
    if (bytes.size() < 4 || bytes.size() % 2 != 0)
        return 0;
    qsizetype evenNul = 0, oddNul = 0;
    const qsizetype sample = std::min<qsizetype>(bytes.size(), 8192);
    for (qsizetype i = 0; i + 1 < sample; i += 2) {
        evenNul += bytes[i] == '\0';
        oddNul += bytes[i + 1] == '\0';
    }
    const qsizetype units = sample / 2;
    if (oddNul * 10 >= units * 4 && evenNul * 50 <= units)
        return 1;
    if (evenNul * 10 >= units * 4 && oddNul * 50 <= units)
        return 2;
    return 0;
}

bool decodeWith(QStringDecoder::Encoding encoding, const QByteArray& bytes, QString* text) {
    // A trailing partial code unit is an error (the stateless decoder would drop it silently).
    const qsizetype unit = encoding == QStringDecoder::Utf16LE || encoding == QStringDecoder::Utf16BE   ? 2
                           : encoding == QStringDecoder::Utf32LE || encoding == QStringDecoder::Utf32BE ? 4
                                                                                                        : 1;
    if (bytes.size() % unit != 0)
        return false;
    QStringDecoder decoder(encoding, QStringDecoder::Flag::Stateless);
    *text = decoder.decode(bytes);
    return !decoder.hasError();
}

} // namespace

NoteFile NoteFileReader::decode(const QByteArray& bytes, const QString& name) {
    NoteFile note;
    if (PdfTextReader::looksLikePdf(bytes)) {
        PdfText pdf = PdfTextReader::read(bytes, name);
        note.error = pdf.error;
        note.text = std::move(pdf.text);
        note.encoding = QStringLiteral("PDF");
        return note;
    }
    struct Bom {
        const char* bytes;
        int size;
        QStringDecoder::Encoding encoding;
        const char* name;
    };
    // UTF-32 LE before UTF-16 LE: its mark starts with the UTF-16 LE one.
    static const Bom boms[] = {{"\xFF\xFE\x00\x00", 4, QStringDecoder::Utf32LE, "UTF-32LE"},
                               {"\x00\x00\xFE\xFF", 4, QStringDecoder::Utf32BE, "UTF-32BE"},
                               {"\xEF\xBB\xBF", 3, QStringDecoder::Utf8, "UTF-8"},
                               {"\xFF\xFE", 2, QStringDecoder::Utf16LE, "UTF-16LE"},
                               {"\xFE\xFF", 2, QStringDecoder::Utf16BE, "UTF-16BE"}};
    for (const Bom& bom : boms) {
        if (!bytes.startsWith(QByteArray(bom.bytes, bom.size)))
            continue;
        note.encoding = QString::fromLatin1(bom.name);
        if (!decodeWith(bom.encoding, bytes.mid(bom.size), &note.text)) {
            note.text.clear();
            note.error = QObject::tr("%1: starts with a %2 byte-order mark but is not valid %2")
                             .arg(name, note.encoding);
        }
        return note;
    }
    if (const int utf16 = guessUtf16(bytes)) {
        QString text;
        if (decodeWith(utf16 == 1 ? QStringDecoder::Utf16LE : QStringDecoder::Utf16BE, bytes, &text) &&
            !text.contains(QChar(0))) {
            note.text = std::move(text);
            note.encoding = QString::fromLatin1(utf16 == 1 ? "UTF-16LE" : "UTF-16BE");
            return note;
        }
    }
    const qsizetype nul = bytes.indexOf('\0');
    if (nul >= 0) {
        note.error =
            QObject::tr("%1: looks like a binary file (NUL byte at offset %2); only plain-text and PDF notes "
                        "can be opened")
                .arg(name)
                .arg(nul);
        return note;
    }
    QString text;
    if (!decodeWith(QStringDecoder::Utf8, bytes, &text)) {
        note.text = QString::fromLatin1(bytes);
        note.encoding = QStringLiteral("Latin-1");
        note.warning = QObject::tr("%1 is not valid UTF-8; it was read as Latin-1 (ISO 8859-1).").arg(name);
        return note;
    }
    note.text = std::move(text);
    note.encoding = QStringLiteral("UTF-8");
    return note;
}

} // namespace fc::ui
