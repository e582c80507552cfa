#include "pdftextreader.h"

#include <poppler-qt6.h>

#include <QObject>

#include <memory>

namespace fc::ui {

namespace {

PdfText extract(std::unique_ptr<Poppler::Document> document, const QString& name) {
    PdfText result;
    if (!document) {
        result.error = QObject::tr("%1: not a readable PDF file").arg(name);
        return result;
    }
    if (document->isLocked()) {
        result.error = QObject::tr("%1: the PDF is password-protected").arg(name);
        return result;
    }
    result.pages = document->numPages();
    QStringList pages;
    for (int i = 0; i < result.pages; ++i) {
        const std::unique_ptr<Poppler::Page> page = document->page(i);
        if (page)
            pages << page->text(QRectF()).trimmed();
    }
    result.text = pages.join(QStringLiteral("\n\n")).trimmed();
    if (result.text.isEmpty())
        result.error =
            QObject::tr("%1: the PDF has no text layer (a scanned document?); run OCR first or paste "
                        "the text")
                .arg(name);
    if (!result.error.isEmpty())
        result.text.clear();
    return result;
}

} // namespace

bool PdfTextReader::looksLikePdf(const QByteArray& head) {
    return head.startsWith("%PDF-");
}

PdfText PdfTextReader::read(const QString& path) {
    return extract(Poppler::Document::load(path), path);
}

PdfText PdfTextReader::read(const QByteArray& bytes, const QString& name) {
    return extract(Poppler::Document::loadFromData(bytes), name);
}

} // namespace fc::ui
