#pragma once
// The bundled code catalogs: ICD-10-CM (FY2021), ICD-10-PCS (FY2020), ICD-9-CM v32 diagnoses and procedures,
// one file per system in resources/catalogs/<system>.tsv.qz (built by scripts/build_catalogs.py, whose
// docstring defines the file format). Lookup by code, validity/billable checks, and search by code prefix
// and by words.
//
// Codes: the canonical form is upper case with the system's dot: ICD-10-CM "N44.8", ICD-9-CM "401.9",
// "V58.61", "E888.9", ICD-9 procedures "38.93", ICD-10-PCS without a dot "0DTJ4ZZ". Inputs are accepted in
// any case; an input without a dot matches by its characters ("n448" finds N44.8), an input with a dot must
// have it where the canonical code has it ("40.19" is not 401.9).
//
// Threading: a loaded CodeCatalog is immutable; every const member may be called from any number of threads
// at once.
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace fc {

// One level above a code, either a hierarchy group that is not itself a code (ICD-10-CM chapter "A00-B99" and
// section "A00-A09", ICD-9 range "390-459", ICD-10-PCS section "0" and body system "0D") or a header code.
struct CatalogAncestor {
    QString code;
    QString kind;  // "chapter", "section", "range", "body-system" for groups; "code" for header codes
    QString title; // group title, or the code's short description
};

struct CatalogEntry {
    QString code;          // canonical form
    QString system;        // "icd-10-cm", "icd-10-pcs", "icd-9-cm", "icd-9-pcs"
    bool billable = false; // true for valid/billable codes, false for headers (categories, PCS prefixes)
    QString shortDescription;
    QString longDescription;          // equals shortDescription when the source has one title
    QList<CatalogAncestor> ancestors; // root first, direct parent last; empty for a code at the root
};

// The one describe rule, used by the GUI (suggestions, coded chart, search, insights), exports and the CLI:
// the official long title, except for ICD-10-PCS, whose long title is the list of its seven axes
// ("Medical and Surgical; Gastrointestinal System; ...") and whose short description is the readable
// CMS-style phrase ("Resection of Gallbladder, Percutaneous Endoscopic Approach").
QString codeDescription(const CatalogEntry& entry);

enum class CatalogMatch {
    ExactCode,  // the query is the code (dot and case ignored)
    CodePrefix, // the query starts the code
    Words,      // every query word starts some word of the short or long description
};

struct CatalogHit {
    CatalogEntry entry;
    CatalogMatch match = CatalogMatch::Words;
    // Words: number of query words that are whole words of the description (more is better);
    // code matches: 0.
    int exactWords = 0;
};

// Orders search hits for a coder adding a code to a chart (Add code, Ctrl+K): an exact code match first (the
// coder typed the code), then codes the note supports (`noteScores`: code -> the model's score for this
// note; higher first), then billable codes before header codes; otherwise the order of search(). Header codes
// stay in the list, lower down.
QList<CatalogHit> rankForCoding(QList<CatalogHit> hits, const QHash<QString, double>& noteScores = {});

class CodeCatalog {
public:
    ~CodeCatalog();
    CodeCatalog(const CodeCatalog&) = delete;
    CodeCatalog& operator=(const CodeCatalog&) = delete;

    // "icd-10-cm", "icd-10-pcs", "icd-9-cm", "icd-9-pcs": the file stems and the order lookupAny() tries.
    static const QStringList& knownSystems();
    // Where catalog directories are looked for, in order: each entry of $FUSIONCODER_CATALOGS
    // (':'-separated), <executable dir>/../share/fusioncoder/catalogs, the build tree's resources/catalogs,
    // and <install prefix>/share/fusioncoder/catalogs.
    static QStringList searchPaths();
    // The first search path holding a catalog file of some known system, or an empty string with *error set
    // to a one-line reason.
    static QString locateDirectory(QString* error = nullptr);

    // Loads the catalogs of `systems` (every known system when empty) from `directory`. Returns null with
    // *error set to one line naming the file and the problem (missing, unreadable, corrupt, malformed at line
    // N) when one of them cannot be loaded. Takes ~100-300 ms for all four systems; call it off the GUI
    // thread or at start-up.
    static std::shared_ptr<const CodeCatalog> load(const QString& directory, const QStringList& systems = {},
                                                   QString* error = nullptr);

    QStringList systems() const;                // the loaded systems, in knownSystems() order
    QString title(const QString& system) const; // release name from the file, e.g. "ICD-10-PCS FY2020 ..."
    int size(const QString& system) const;      // number of codes (headers included); 0 if not loaded

    std::optional<CatalogEntry> lookup(const QString& system, const QString& code) const;
    // lookup() in each loaded system in knownSystems() order; the first hit wins ("4019" is ICD-9-CM 401.9,
    // not the procedure 40.19: pass a dot or use lookup() when the system is known).
    std::optional<CatalogEntry> lookupAny(const QString& code) const;
    bool isValid(const QString& system, const QString& code) const; // the code exists (header or billable)
    bool isBillable(const QString& system, const QString& code) const;

    // Search in `systems` (every loaded system when empty): code matches first (exact code, then codes the
    // query starts, shorter codes first), then word matches (more whole-word matches first, then shorter
    // descriptions, then shorter codes), ties in system order and code order. Words are folded: case- and
    // accent-insensitive. At most `limit` hits. A few milliseconds per query on all four systems.
    QList<CatalogHit> search(const QString& query, const QStringList& systems = {}, int limit = 50) const;

    // The words search() compares: Unicode letters and digits in runs, accents removed (NFD without
    // non-spacing marks), case-folded. "Ménière's disease" -> {"meniere", "s", "disease"}.
    static QStringList foldedWords(const QString& text);

    struct System; // one loaded code system; defined in codecatalog.cpp

private:
    CodeCatalog();
    const System* find(const QString& system) const;
    CatalogEntry makeEntry(const System& system, unsigned index) const;

    std::vector<std::unique_ptr<System>> systems_;
};

} // namespace fc
