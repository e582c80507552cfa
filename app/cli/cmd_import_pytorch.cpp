// fusioncoder-cli import-pytorch: a state_dict saved by the authors' PyTorch code (fusion-spec.md section 8)
// plus their vocabulary and label files -> a fusioncoder model directory whose scores are theirs.
#include "cli_common.h"
#include "commands.h"

#include "fc/model/modelfiles.h"

namespace fc::cli {

int runImportPytorch(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("state-dict"), QStringLiteral("File written by torch.save(model.state_dict(), f) (zip format)."),
         QStringLiteral("FILE")},
        {QStringLiteral("vocab"), QStringLiteral("The authors' vocab.csv: one word per line (sorted on import)."),
         QStringLiteral("FILE")},
        {QStringLiteral("labels"),
         QStringLiteral("One code per line (e.g. TOP_50_CODES.csv); sorted on import as the authors' loader does."),
         QStringLiteral("FILE")},
        {QStringLiteral("arch"), QStringLiteral("fusion (FlowHidden) or multirescnn (default fusion)."),
         QStringLiteral("ARCH"), QStringLiteral("fusion")},
        {QStringLiteral("name"), QStringLiteral("Model name shown to the user."), QStringLiteral("NAME")},
        {QStringLiteral("version"), QStringLiteral("Model version (default 1)."), QStringLiteral("VERSION"),
         QStringLiteral("1")},
        {QStringLiteral("language"), QStringLiteral("Language of the notes (default en)."), QStringLiteral("LANG"),
         QStringLiteral("en")},
        {QStringLiteral("threshold"), QStringLiteral("Decision threshold stored with the model (default 0.5)."),
         QStringLiteral("T")},
        {QStringLiteral("standard-heads"),
         QStringLiteral("The checkpoint uses standard attention heads instead of the authors' head split.")},
        {QStringLiteral("out"), QStringLiteral("Model directory to write (replaced atomically)."), QStringLiteral("DIR")},
    });
    parseOrThrow(parser, arguments,
                 QStringLiteral("Imports a checkpoint trained with the authors' PyTorch code (Fusion or MultiResCNN)."));
    ImportMetadata metadata;
    metadata.name = parser.isSet(QStringLiteral("name")) ? parser.value(QStringLiteral("name")).toStdString()
                                                         : metadata.name;
    metadata.version = parser.value(QStringLiteral("version")).toStdString();
    metadata.language = parser.value(QStringLiteral("language")).toStdString();
    metadata.threshold = static_cast<float>(doubleValue(parser, QStringLiteral("threshold"), 0.5, 0.0, 1.0));
    metadata.options.authorsHeads = !parser.isSet(QStringLiteral("standard-heads"));
    const QString out = requiredValue(parser, QStringLiteral("out"));
    importPytorch(requiredValue(parser, QStringLiteral("state-dict")).toStdString(),
                  requiredValue(parser, QStringLiteral("vocab")).toStdString(),
                  requiredValue(parser, QStringLiteral("labels")).toStdString(),
                  parser.value(QStringLiteral("arch")).toStdString(), out.toStdString(), metadata);
    printProgress(QStringLiteral("wrote %1").arg(out));
    return Ok;
}

} // namespace fc::cli
