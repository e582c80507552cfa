// fusioncoder-cli convert: rewrites a model directory with its weights stored as float32 or float16
// (float16 halves the file for shipping; the engine computes in float32 either way).
#include "cli_common.h"
#include "commands.h"

#include "fc/model/modelfiles.h"

#include <QFileInfo>

namespace fc::cli {

int runConvert(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("model"), QStringLiteral("Model directory or shipped model name."),
         QStringLiteral("MODEL")},
        {QStringLiteral("weights"), QStringLiteral("float16 (default) or float32."), QStringLiteral("TYPE"),
         QStringLiteral("float16")},
        {QStringLiteral("out"), QStringLiteral("Model directory to write (may be the input itself)."),
         QStringLiteral("DIR")},
    });
    parseOrThrow(parser, arguments,
                 QStringLiteral("Rewrites a model with its weights stored as float16 or float32."));
    const QString model = modelDirectory(requiredValue(parser, QStringLiteral("model")));
    const QString out = requiredValue(parser, QStringLiteral("out"));
    const QString type = parser.value(QStringLiteral("weights"));
    if (type != QStringLiteral("float16") && type != QStringLiteral("float32"))
        throw UsageError(QStringLiteral("--weights must be float16 or float32"));
    const qint64 before = QFileInfo(model + QStringLiteral("/weights.pt")).size();
    convertModel(model.toStdString(), type.toStdString(), out.toStdString());
    printProgress(QStringLiteral("wrote %1: weights.pt %2 -> %3 bytes (%4)")
                      .arg(out)
                      .arg(before)
                      .arg(QFileInfo(out + QStringLiteral("/weights.pt")).size())
                      .arg(type));
    return Ok;
}

} // namespace fc::cli
