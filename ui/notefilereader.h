#pragma once
// Reads a plain-text note from disk for the editor. UTF-8 (a leading BOM is dropped) is the default; a
// file that is not valid UTF-8 is decoded as Latin-1 and says so in `warning`; a file with NUL bytes is
// refused as binary. Line endings are kept verbatim (offsets count CR and LF as code points).
#include <QString>

namespace fc::ui {

struct NoteFile {
    QString text;
    QString error;   // non-empty: the file was refused or unreadable; text is empty
    QString warning; // non-empty: read, but the coder should know (e.g. decoded as Latin-1)
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
