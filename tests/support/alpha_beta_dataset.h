#pragma once
// The small synthetic dataset the CLI training tests share: code A iff the note mentions "alpha", code B iff
// "beta" (note i: A, B or both by (i + offset) % 3), with filler words around them so the notes differ.
#include <QByteArray>
#include <QFile>
#include <QtTest>

#include <functional>

namespace fc::testing {

inline void writeFile(const QString& path, const QByteArray& content) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
}

// JSON Lines of `documents` notes; `fillerWords(i)` filler words come before the codes' words of note i.
inline QByteArray alphaBetaDataset(int documents, int offset, const QByteArray& codeA,
                                   const QByteArray& codeB, const std::function<int(int)>& fillerWords) {
    const char* filler[] = {"patient", "pain", "history", "normal", "exam", "fever", "stable", "treated"};
    QByteArray lines;
    for (int i = 0; i < documents; ++i) {
        const int kind = (i + offset) % 3; // 0: A, 1: B, 2: both
        QByteArray text;
        for (int w = 0; w < fillerWords(i); ++w)
            text += QByteArray(filler[(i * 3 + w * 5 + offset) % 8]) + ' ';
        QByteArray codes;
        if (kind != 1) {
            text += "alpha ";
            codes += "\"" + codeA + "\"";
        }
        if (kind != 0) {
            text += "beta";
            codes += QByteArray(codes.isEmpty() ? "" : ",") + "\"" + codeB + "\"";
        }
        lines += "{\"id\":\"d" + QByteArray::number(i) + "\",\"text\":\"" + text + "\",\"codes\":[" + codes +
                 "]}\n";
    }
    return lines;
}

} // namespace fc::testing
