// Writes the generated part of the seed corpus (fuzz/corpus/): the tiny model's files for model_dir and
// import_pytorch, and one chart exported in every format for export_import. Run once after a format change:
//   build/<preset>/fuzz/fuzz_make_seeds fuzz/corpus
#include "fuzz_support.h"

#include "exportservice.h"

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: fuzz_make_seeds CORPUS_DIR\n");
        return 2;
    }
    const std::string corpus = argv[1];
    const std::string model = fc::fuzz::tinyModelDirectory();
    const char* const files[] = {"model.json", "weights.pt", "labels.txt", "vocab.txt"};
    for (int i = 0; i < 4; ++i)
        fc::fuzz::writeFile(corpus + "/model_dir/" + files[i],
                            std::string(1, static_cast<char>(i)) +
                                fc::fuzz::readFile(model + "/" + files[i]));
    fc::fuzz::writeFile(corpus + "/import_pytorch/weights.pt", fc::fuzz::readFile(model + "/weights.pt"));

    fc::CodedChart chart;
    chart.noteId = 12;
    chart.noteSha256 = QStringLiteral("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    chart.source = QStringLiteral("note.txt");
    chart.exportedAt = QStringLiteral("2024-05-01T12:34:56.789Z");
    chart.exportedBy = QStringLiteral("coder");
    chart.application = QStringLiteral("fusioncoder");
    chart.applicationVersion = QStringLiteral("0.1.0");
    fc::CodedEntry principal;
    principal.sequence = 1;
    principal.code = QStringLiteral("N44.8");
    principal.system = QStringLiteral("icd-10-cm");
    principal.description = QStringLiteral("Other noninflammatory disorders of testis");
    principal.role = QStringLiteral("principal");
    principal.poa = QStringLiteral("Y");
    principal.confidence = 0.93;
    principal.evidence = {{120, 164, 0.31}, {10, 14, 0.125}};
    principal.decision = QStringLiteral("accepted");
    principal.modelVersion = QStringLiteral("2026.11.25-1");
    principal.decidedBy = QStringLiteral("coder");
    principal.decidedAt = QStringLiteral("2024-05-01T12:30:00.000Z");
    fc::CodedEntry procedure = principal;
    procedure.code = QStringLiteral("BW03ZZZ");
    procedure.system = QStringLiteral("icd-10-pcs");
    procedure.description = QStringLiteral("Plain Radiography of Chest");
    procedure.role = QStringLiteral("procedure");
    procedure.poa.clear();
    procedure.confidence = -1.0;
    procedure.evidence.clear();
    procedure.decision = QStringLiteral("added");
    chart.entries = {principal, procedure};
    const std::pair<fc::ExportFormat, const char*> formats[] = {
        {fc::ExportFormat::Csv, "chart.csv"},
        {fc::ExportFormat::Json, "chart.json"},
        {fc::ExportFormat::FhirBundle, "chart.fhir-bundle.json"},
        {fc::ExportFormat::FhirClaim, "chart.fhir-claim.json"}};
    for (const auto& [format, name] : formats) {
        const QByteArray bytes = fc::serialize(chart, format);
        fc::fuzz::writeFile(corpus + "/export_import/" + name,
                            std::string_view(bytes.constData(), bytes.size()));
    }
    std::printf("seeds written under %s\n", corpus.c_str());
    return 0;
}
