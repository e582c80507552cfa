// Re-import of exported charts (app/exportservice.h chartsFromExport) on arbitrary bytes: either an error
// (empty list, one-line message) or charts that survive serialize(JSON) -> chartsFromExport unchanged.
#include "fuzz_support.h"

#include "exportservice.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const QByteArray bytes(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    QString error;
    const auto charts = fc::chartsFromExport(bytes, &error);
    if (!error.isEmpty()) {
        fc::fuzz::require(charts.isEmpty(), "an import error still returned charts");
        fc::fuzz::require(!error.contains(QLatin1Char('\n')), "import error is not one line");
        return 0;
    }
    QString again;
    const auto reread = fc::chartsFromExport(fc::serialize(charts, fc::ExportFormat::Json), &again);
    fc::fuzz::require(again.isEmpty(), "re-exported JSON does not import");
    fc::fuzz::require(reread == charts, "export -> import changed the charts");
    (void)fc::fromExport(bytes, &error);
    return 0;
}
