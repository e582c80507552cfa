#pragma once
// The text layer of a PDF note, page by page in reading order (Poppler's Qt 6 binding). Pages are joined
// by a blank line. Scanned PDFs without a text layer and locked PDFs are refused with a reason.
// Threading: any thread (each call opens its own document).
#include <QString>

namespace fc::ui {

struct PdfText {
    QString text;
    QString error; // non-empty: no text could be read; text is empty
    int pages = 0;
};

class PdfTextReader {
public:
    static PdfText read(const QString& path);
    static PdfText read(const QByteArray& bytes, const QString& name);
    static bool looksLikePdf(const QByteArray& head); // starts with "%PDF-"
};

} // namespace fc::ui
