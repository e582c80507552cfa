#pragma once
// Shared pieces of fusioncoder-cli commands: exit codes (interfaces.md), errors, reading inputs.
#include <QCommandLineParser>
#include <QString>
#include <QStringList>

#include <stdexcept>
#include <string>
#include <vector>

namespace fc::cli {

enum ExitCode { Ok = 0, Failure = 1, BadInput = 2 };

// Bad usage or bad input: reported as one line on stderr, exit code 2.
class UsageError : public std::runtime_error {
public:
    explicit UsageError(const QString& message) : std::runtime_error(message.toStdString()) {}
};

struct Command {
    const char* name;
    const char* summary;
    int (*run)(const QStringList& arguments); // arguments[0] is "fusioncoder-cli <name>"
};

// Parses arguments with --help handled (prints help, exits 0); unknown options are UsageErrors.
void parseOrThrow(QCommandLineParser& parser, const QStringList& arguments, const QString& description);
QString requiredValue(const QCommandLineParser& parser, const QString& option);
int intValue(const QCommandLineParser& parser, const QString& option, int fallback, int minimum, int maximum);
double doubleValue(const QCommandLineParser& parser, const QString& option, double fallback, double minimum,
                   double maximum);

// Reads a whole file (or stdin for "-") as bytes; throws UsageError naming the file when it cannot.
QByteArray readInput(const QString& pathOrDash);
// The codes of a dataset (.jsonl: every distinct code, sorted) or of a label file (one code per line, upper-
// cased, in file order); throws UsageError when the file cannot be read.
std::vector<std::string> codesOfFile(const QString& path);
// Resolves MODEL (a directory or a shipped name) or throws UsageError.
QString modelDirectory(const QString& nameOrPath);

// --db-passphrase-file FILE, for every command that takes --db.
QCommandLineOption dbPassphraseFileOption();
// Remembers the passphrase of the database at `path` for every place that opens it (fc::databaseOptions):
// the contents of --db-passphrase-file without its final line break, else FUSIONCODER_DB_PASSPHRASE (for
// scripts; visible to other processes of the same user). Throws UsageError when the file is encrypted and
// neither gives a passphrase, or when the passphrase file cannot be read or is empty.
void useDatabasePassphrase(const QCommandLineParser& parser, const QString& path);

void printError(const QString& message);
void printProgress(const QString& message);

} // namespace fc::cli
