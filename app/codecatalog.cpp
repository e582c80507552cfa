#include "codecatalog_internal.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace fc {

CodeCatalog::CodeCatalog() = default;
CodeCatalog::~CodeCatalog() = default;

const QStringList& CodeCatalog::knownSystems() {
    static const QStringList systems = {QStringLiteral("icd-10-cm"), QStringLiteral("icd-10-pcs"),
                                        QStringLiteral("icd-9-cm"), QStringLiteral("icd-9-pcs")};
    return systems;
}

QStringList CodeCatalog::searchPaths() {
    QStringList paths;
    const QString fromEnv = qEnvironmentVariable("FUSIONCODER_CATALOGS");
    if (!fromEnv.isEmpty())
        paths += fromEnv.split(QLatin1Char(':'), Qt::SkipEmptyParts);
    if (QCoreApplication::instance())
        paths << QDir(QCoreApplication::applicationDirPath())
                     .absoluteFilePath(QStringLiteral("../share/fusioncoder/catalogs"));
    paths << QStringLiteral(FC_BUILD_CATALOGS_DIR);
    paths << QStringLiteral(FC_INSTALL_CATALOGS_DIR);
    paths.removeDuplicates();
    return paths;
}

QString CodeCatalog::locateDirectory(QString* error) {
    const QStringList paths = searchPaths();
    for (const QString& path : paths) {
        const QDir dir(path);
        for (const QString& system : knownSystems())
            if (QFileInfo::exists(dir.absoluteFilePath(system + QStringLiteral(".tsv.qz"))))
                return dir.absolutePath();
    }
    if (error)
        *error = QStringLiteral("no code catalogs in %1").arg(paths.join(QStringLiteral(", ")));
    return {};
}

QStringList CodeCatalog::systems() const {
    QStringList ids;
    for (const auto& system : systems_)
        ids << system->id;
    return ids;
}

const CodeCatalog::System* CodeCatalog::find(const QString& system) const {
    for (const auto& candidate : systems_)
        if (candidate->id == system)
            return candidate.get();
    return nullptr;
}

QString CodeCatalog::title(const QString& system) const {
    const System* s = find(system);
    return s ? s->title : QString();
}

int CodeCatalog::size(const QString& system) const {
    const System* s = find(system);
    return s ? int(s->entries.size()) : 0;
}

CatalogEntry CodeCatalog::makeEntry(const System& system, unsigned index) const {
    const EntryRecord& record = system.entries[index];
    CatalogEntry entry;
    entry.code = system.qstring(record.code);
    entry.system = system.id;
    entry.billable = record.billable;
    entry.shortDescription = system.shortText(index);
    entry.longDescription = system.longText(index);
    std::int32_t parentEntry = record.parentEntry;
    std::int32_t parentGroup = record.parentGroup;
    while (parentEntry >= 0) {
        const EntryRecord& parent = system.entries[std::size_t(parentEntry)];
        entry.ancestors.prepend(CatalogAncestor{system.qstring(parent.code), QStringLiteral("code"),
                                                system.shortText(std::uint32_t(parentEntry))});
        parentGroup = parent.parentGroup;
        parentEntry = parent.parentEntry;
    }
    while (parentGroup >= 0) {
        const GroupRecord& group = system.groups[std::size_t(parentGroup)];
        entry.ancestors.prepend(CatalogAncestor{system.qstring(group.code), system.qstring(group.kind),
                                                system.qstring(group.title)});
        parentGroup = group.parent;
    }
    return entry;
}

namespace {

// Index of `code` in `system`: dot and case ignored, but a dot must sit where the canonical code has it.
template <typename System> std::int64_t findCode(const System& system, const QString& code) {
    const QByteArray input = code.trimmed().toUtf8();
    std::string normalized;
    if (!normalizeCode(std::string_view(input.constData(), std::size_t(input.size())), &normalized))
        return -1;
    const std::int64_t index = system.find(normalized);
    if (index < 0 || !input.contains('.'))
        return index;
    return system.view(system.entries[std::size_t(index)].code) == input.toUpper().toStdString() ? index : -1;
}

} // namespace

QString codeDescription(const CatalogEntry& entry) {
    if (entry.system == QLatin1String("icd-10-pcs") && !entry.shortDescription.isEmpty())
        return entry.shortDescription;
    return entry.longDescription.isEmpty() ? entry.shortDescription : entry.longDescription;
}

std::optional<CatalogEntry> CodeCatalog::lookup(const QString& system, const QString& code) const {
    const System* s = find(system);
    if (!s)
        return std::nullopt;
    const std::int64_t index = findCode(*s, code);
    if (index < 0)
        return std::nullopt;
    return makeEntry(*s, unsigned(index));
}

std::optional<CatalogEntry> CodeCatalog::lookupAny(const QString& code) const {
    for (const auto& system : systems_) {
        const std::int64_t index = findCode(*system, code);
        if (index >= 0)
            return makeEntry(*system, unsigned(index));
    }
    return std::nullopt;
}

bool CodeCatalog::isValid(const QString& system, const QString& code) const {
    const System* s = find(system);
    return s && findCode(*s, code) >= 0;
}

bool CodeCatalog::isBillable(const QString& system, const QString& code) const {
    const System* s = find(system);
    if (!s)
        return false;
    const std::int64_t index = findCode(*s, code);
    return index >= 0 && s->entries[std::size_t(index)].billable;
}

QStringList CodeCatalog::foldedWords(const QString& text) {
    QStringList words;
    std::u32string current;
    const QString decomposed = text.normalized(QString::NormalizationForm_D);
    const QList<uint> codePoints = decomposed.toUcs4();
    for (const uint value : codePoints) {
        const auto codePoint = char32_t(value);
        if (QChar::isLetterOrNumber(codePoint)) {
            current.push_back(QChar::toCaseFolded(codePoint));
        } else if (QChar::category(codePoint) == QChar::Mark_NonSpacing) {
            continue; // an accent of the previous letter: the word goes on
        } else if (!current.empty()) {
            words << QString::fromUcs4(current.data(), qsizetype(current.size()));
            current.clear();
        }
    }
    if (!current.empty())
        words << QString::fromUcs4(current.data(), qsizetype(current.size()));
    return words;
}

} // namespace fc
