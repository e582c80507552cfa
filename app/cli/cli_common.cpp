#include "cli_common.h"

#include "databasepassphrase.h"
#include "modellocator.h"

#include "fc/model/dataset.h"
#include "fc/storage/database.h"

#include <QFile>
#include <QTextStream>

#include <cstdio>

namespace fc::cli {

void parseOrThrow(QCommandLineParser& parser, const QStringList& arguments, const QString& description) {
    parser.setApplicationDescription(description);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help(QStringList{QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help and exit."));
    parser.addOption(help);
    if (!parser.parse(arguments))
        throw UsageError(parser.errorText());
    if (parser.isSet(help)) {
        std::fputs(parser.helpText().toLocal8Bit().constData(), stdout);
        std::exit(Ok);
    }
}

std::vector<std::string> codesOfFile(const QString& path) {
    if (path.endsWith(QStringLiteral(".jsonl")))
        return labelsFromDataset(path.toStdString());
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        throw UsageError(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    std::vector<std::string> codes;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (!line.isEmpty())
            codes.push_back(line.toUpper().toStdString());
    }
    return codes;
}

QString requiredValue(const QCommandLineParser& parser, const QString& option) {
    const QString value = parser.value(option);
    if (value.isEmpty())
        throw UsageError(QStringLiteral("missing required option --%1").arg(option));
    return value;
}

int intValue(const QCommandLineParser& parser, const QString& option, int fallback, int minimum,
             int maximum) {
    if (!parser.isSet(option))
        return fallback;
    bool ok = false;
    const int value = parser.value(option).toInt(&ok);
    if (!ok || value < minimum || value > maximum)
        throw UsageError(QStringLiteral("--%1 must be an integer in [%2, %3], got '%4'")
                             .arg(option)
                             .arg(minimum)
                             .arg(maximum)
                             .arg(parser.value(option)));
    return value;
}

double doubleValue(const QCommandLineParser& parser, const QString& option, double fallback, double minimum,
                   double maximum) {
    if (!parser.isSet(option))
        return fallback;
    bool ok = false;
    const double value = parser.value(option).toDouble(&ok);
    if (!ok || value < minimum || value > maximum)
        throw UsageError(QStringLiteral("--%1 must be a number in [%2, %3], got '%4'")
                             .arg(option)
                             .arg(minimum)
                             .arg(maximum)
                             .arg(parser.value(option)));
    return value;
}

QByteArray readInput(const QString& pathOrDash) {
    QFile file;
    if (pathOrDash == QLatin1String("-")) {
        if (!file.open(stdin, QIODevice::ReadOnly))
            throw UsageError(QStringLiteral("cannot read standard input"));
    } else {
        file.setFileName(pathOrDash);
        if (!file.open(QIODevice::ReadOnly))
            throw UsageError(QStringLiteral("cannot read %1: %2").arg(pathOrDash, file.errorString()));
    }
    return file.readAll();
}

QString modelDirectory(const QString& nameOrPath) {
    QString error;
    const QString directory = locateModel(nameOrPath, &error);
    if (directory.isEmpty())
        throw UsageError(error);
    return directory;
}

QCommandLineOption dbPassphraseFileOption() {
    return {QStringLiteral("db-passphrase-file"),
            QStringLiteral("Passphrase of an encrypted --db, read from this file (default: the environment "
                           "variable %1).")
                .arg(QLatin1String(kDatabasePassphraseVariable)),
            QStringLiteral("FILE")};
}

void useDatabasePassphrase(const QCommandLineParser& parser, const QString& path) {
    std::string passphrase;
    const QString passphraseFile = parser.value(QStringLiteral("db-passphrase-file"));
    if (!passphraseFile.isEmpty()) {
        QByteArray bytes = readInput(passphraseFile);
        while (bytes.endsWith('\n') || bytes.endsWith('\r'))
            bytes.chop(1); // `echo secret > file` must give "secret"
        if (bytes.isEmpty())
            throw UsageError(
                QStringLiteral("--db-passphrase-file %1: the file is empty").arg(passphraseFile));
        passphrase = bytes.toStdString();
    } else {
        passphrase = environmentDatabasePassphrase();
    }
    if (passphrase.empty() && storage::encryptionSupported() && storage::looksEncrypted(path.toStdString()))
        throw UsageError(
            QStringLiteral("--db %1: the database is encrypted: wrong or missing passphrase (none "
                           "given: use --db-passphrase-file FILE or set %2)")
                .arg(path, QLatin1String(kDatabasePassphraseVariable)));
    if (!passphrase.empty())
        rememberDatabasePassphrase(path, passphrase);
}

void printError(const QString& message) {
    std::fprintf(stderr, "fusioncoder-cli: %s\n", message.toLocal8Bit().constData());
}

void printProgress(const QString& message) {
    std::fprintf(stderr, "%s\n", message.toLocal8Bit().constData());
    std::fflush(stderr);
}

} // namespace fc::cli
