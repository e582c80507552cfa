#pragma once
// Reads a note from disk for the editor. Text encodings, in this order:
//   a byte-order mark: UTF-8, UTF-16 LE/BE or UTF-32 LE/BE (the mark is dropped);
//   UTF-16 LE/BE without a mark when the NUL bytes fall on one side of (almost) every code unit;
//   valid UTF-8; otherwise Latin-1 (ISO 8859-1), which `warning` says.
// Other files with NUL bytes are refused as binary. A file starting with "%PDF-" is read through
// PdfTextReader (its text layer). Line endings are kept verbatim (offsets count CR and LF as code points).
// `encoding` names what was used ("UTF-8", "UTF-16LE", "PDF", ...).
#include <QString>

namespace fc::ui {

struct NoteFile {
    QString text;
    QString error;   // non-empty: the file was refused or unreadable; text is empty
    QString warning; // non-empty: read, but the coder should know (e.g. decoded as Latin-1)
    QString encoding;
    bool ok() const { return error.isEmpty(); }
};

class NoteFileReader {
public:
    static constexpr qint64 kMaxBytes = 32 * 1024 * 1024; // larger files are refused

    static NoteFile read(const QString& path);
    // The decoding rules of read() applied to bytes; `name` is used in messages.
    static NoteFile decode(const QByteArray& bytes, const QString& name);
};

} // namespace fc::ui
