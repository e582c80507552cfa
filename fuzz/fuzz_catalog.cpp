// CodeCatalog::load on a damaged catalog file written as icd-9-pcs.tsv.qz; load either returns a catalog
// that answers lookups and searches, or null with a one-line error. The first input byte picks the file's
// form: odd = the remaining bytes as they are (damaged compression), even = qCompress of the remaining bytes
// (a damaged catalog text behind valid compression, so mutations reach the parser).
#include "fuzz_support.h"

#include "codecatalog.h"

#include <filesystem>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string directory = fc::fuzz::scratchDirectory() + "/catalogs";
    std::filesystem::create_directories(directory);
    if (size < 1)
        return 0;
    const QByteArray rest(reinterpret_cast<const char*>(data + 1), static_cast<qsizetype>(size - 1));
    const QByteArray file = (data[0] & 1) ? rest : qCompress(rest, 1);
    fc::fuzz::writeFile(directory + "/icd-9-pcs.tsv.qz",
                        std::string_view(file.constData(), static_cast<std::size_t>(file.size())));
    QString error;
    const auto catalog =
        fc::CodeCatalog::load(QString::fromStdString(directory), {QStringLiteral("icd-9-pcs")}, &error);
    if (!catalog) {
        fc::fuzz::require(!error.isEmpty() && !error.contains(QLatin1Char('\n')),
                          "catalog error empty or not one line");
        return 0;
    }
    const QString system = QStringLiteral("icd-9-pcs");
    (void)catalog->lookup(system, QStringLiteral("00.0"));
    (void)catalog->lookupAny(QStringLiteral("00"));
    (void)catalog->isBillable(system, QStringLiteral("00.01"));
    const auto hits = catalog->search(QStringLiteral("ultrasound 00"), {}, 20);
    fc::fuzz::require(hits.size() <= 20, "search returned more hits than the limit");
    for (const auto& hit : hits)
        fc::fuzz::require(catalog->isValid(system, hit.entry.code),
                          "search returned a code lookup does not know");
    return 0;
}
