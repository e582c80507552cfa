#include "notefilereader.h"

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

NoteFile NoteFileReader::decode(const QByteArray& bytes, const QString& name) {
    NoteFile note;
    const qsizetype nul = bytes.indexOf('\0');
    if (nul >= 0) {
        note.error =
            QObject::tr("%1: looks like a binary file (NUL byte at offset %2); only plain-text notes "
                        "can be opened")
                .arg(name)
                .arg(nul);
        return note;
    }
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = utf8.decode(bytes);
    if (utf8.hasError()) {
        note.text = QString::fromLatin1(bytes);
        note.warning = QObject::tr("%1 is not valid UTF-8; it was read as Latin-1 (ISO 8859-1).").arg(name);
        return note;
    }
    note.text = std::move(text);
    return note;
}

} // namespace fc::ui
