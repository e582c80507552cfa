#pragma once
// Dataset preparation: public corpora -> dataset documents (dataset.h), written by the caller with
// saveDataset(). Torch-free and Qt-free; every function is pure apart from reading the named files, and
// thread-compatible (no shared state). Offsets are Unicode code points into Document::text, half-open.
//
// CodiEsp (CLEF eHealth 2020, final_dataset_v4_to_publish): one document per text file of a split, codes =
// {split}D.tsv diagnoses then {split}P.tsv procedures (upper-cased, de-duplicated, in file order), evidence
// = {split}X.tsv fragments (Spanish only: the offsets refer to text_files/).
//
// MIMIC-III: the caml-mimic / Fusion pipeline of fusion-spec.md section 3 (discharge summaries and addenda
// joined per admission, caml's dotted code format including pandas' integer parsing of PROCEDURES_ICD,
// the published HADM_ID splits, the top-50 setting, notes sorted by token count).
#include "fc/model/dataset.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fc {

// ---------------------------------------------------------------------------------------------- codes

// Catalog form of an ICD-10 code as CodiEsp writes it: trimmed, ASCII upper case; a diagnosis code longer
// than 3 characters without a dot gets one after its 3rd character (N448 -> N44.8); procedures keep none.
std::string normaliseIcd10Code(std::string_view code, bool isDiagnosis);

// The nearest ancestor of `code` for which `isKnown` holds, found by dropping the last character after the
// dot repeatedly, and the dot itself when nothing follows it (Z20.818 -> Z20.81 -> Z20.8 -> Z20); nullopt
// when none is known or the code has no dot. `code` itself is not tested.
std::optional<std::string> knownParentCode(const std::string& code,
                                           const std::function<bool(const std::string&)>& isKnown);

// caml-mimic's reformat(): dots removed, then diagnosis codes starting with 'E' and longer than 4 characters
// get a dot after the 4th (E8889 -> E888.9), other diagnosis codes longer than 3 after the 3rd (4019 ->
// 401.9, V5861 -> V58.61); procedure codes always get one after the 2nd (3893 -> 38.93, 66 -> 66., nan ->
// na.n). Case is kept.
std::string reformatIcd9Code(std::string_view code, bool isDiagnosis);

// ---------------------------------------------------------------------------------------------- CodiEsp

enum class CodiespLanguage { Spanish, English };

struct CodiespOptions {
    // final_dataset_v4_to_publish, or a folder that directly contains it. The archive is not read: unpack it
    // first (tar -xJf codiesp_v4_train_dev_background.tar.xz).
    std::string root;
    CodiespLanguage language = CodiespLanguage::Spanish;
    // In output order; each of train, dev, test, background. A split folder that is absent is an InputError
    // (the test split is held out and never looked for elsewhere). background has no annotations: text only.
    std::vector<std::string> splits{"train"};
    // Whether a code in catalog form is known (isDiagnosis: ICD-10-CM, else ICD-10-PCS), e.g. a code-list
    // lookup. When set, codes it rejects are reported and replaced by their knownParentCode() when there is
    // one (diagnoses; procedure codes have no dot and are only reported). Called from the calling thread.
    std::function<bool(const std::string& code, bool isDiagnosis)> isKnownCode;
    // English only: project every CodiEsp-X span of the Spanish original onto the English sentence(s) that
    // translate it (sentence_alignment.h) and write those sentence-level spans as the document's evidence.
    bool projectEnglishEvidence = false;
};

struct CodiespReport {
    std::map<std::string, std::int64_t> documentsPerSplit;
    std::int64_t documents = 0;
    std::int64_t codes = 0;                   // code assignments after de-duplication within each document
    std::int64_t distinctCodes = 0;           // over all prepared documents
    std::int64_t duplicateCodes = 0;          // D/P rows repeating a code already listed for the document
    std::int64_t documentsWithoutCodes = 0;   // annotated splits only
    std::int64_t annotatedMissingText = 0;    // TSV document ids without a text file (their rows are ignored)
    std::int64_t evidenceSpans = 0;           // fragments written (exact duplicates dropped)
    std::int64_t evidenceDuplicates = 0;      // fragments repeating (code, begin, end) of the same document
    std::int64_t evidenceChecked = 0;         // contiguous X rows whose span text was compared
    std::int64_t evidenceMismatches = 0;      // ... whose text differs from the X.tsv evidence text
    std::int64_t evidenceDiscontiguous = 0;   // X rows with more than one fragment (not compared)
    std::int64_t evidenceOutOfRange = 0;      // fragments outside the text (dropped)
    std::int64_t evidenceEmpty = 0;           // fragments with begin == end ("1320 1320"; dropped)
    std::int64_t evidenceCodeNotAssigned = 0; // fragments whose code is not among the document's codes (kept)
    std::vector<std::string> mismatchExamples; // "<doc> <code> [b,e): '<span>' vs '<X text>'", at most 10
    // projectEnglishEvidence: Spanish fragments projected onto English sentences / left without one.
    std::int64_t evidenceProjected = 0;
    std::int64_t evidenceNotProjected = 0;
    // Filled when isKnownCode is set: assignments per code (as in the files, normalised) missing from it,
    // the parent each mapped one now uses, and how many assignments were mapped / kept unknown.
    std::map<std::string, std::int64_t> unknownCodes;
    std::map<std::string, std::string> mappedToParent;
    std::int64_t mappedAssignments = 0;
    std::int64_t unmappedAssignments = 0;
};

// Documents of every requested split in order (within a split: by file name). Throws InputError for a
// missing folder or file, an unreadable or non-UTF-8 text, or a malformed TSV row ("<file>:<line>: ...").
std::vector<Document> prepareCodiesp(const CodiespOptions& options, CodiespReport& report);

// ---------------------------------------------------------------------------------------------- MIMIC-III

enum class Mimic3Setting { Top50, Full };

struct Mimic3Options {
    std::string noteEvents; // NOTEEVENTS.csv
    std::string diagnoses;  // DIAGNOSES_ICD.csv
    std::string procedures; // PROCEDURES_ICD.csv
    std::string splitsDir;  // {train,dev,test}_{50,full}_hadm_ids.csv (and TOP_50_CODES.csv)
    Mimic3Setting setting = Mimic3Setting::Top50;
    std::string top50File; // empty: <splitsDir>/TOP_50_CODES.csv (one code per line, no header)
    // false reproduces pandas' default parsing of ICD9_CODE (an all-digit column becomes integers, so
    // procedure codes lose leading zeros: "0066" -> 66 -> "66."); true reads codes as strings ("00.66").
    bool correctedProcedureCodes = false;
    std::function<void(const std::string&)> progress; // optional, one line per stage
};

struct Mimic3SplitReport {
    std::string name;                // train, dev, test
    std::int64_t ids = 0;            // distinct HADM_IDs in the id file
    std::int64_t idsWithoutNote = 0; // ids with no discharge summary
    std::int64_t withoutTopCode = 0; // Top50 only: admissions dropped for having no top-50 code
    std::int64_t withoutCodes = 0;   // documents written with no code at all
    std::int64_t documents = 0;
};

struct Mimic3Report {
    std::int64_t noteRows = 0;                  // NOTEEVENTS records
    std::int64_t dischargeRows = 0;             // CATEGORY == "Discharge summary" (reports and addenda)
    std::int64_t dischargeWithoutAdmission = 0; // of those, empty HADM_ID (dropped)
    std::int64_t admissionsWithNotes = 0;       // distinct admissions with a discharge summary
    std::int64_t diagnosisRows = 0;
    std::int64_t procedureRows = 0;
    std::int64_t missingCodes = 0;   // empty ICD9_CODE cells (become "NAN" / "NA.N")
    std::string diagnosisColumnType; // "int64", "float64" or "object" (pandas' inference) or "str"
    std::string procedureColumnType;
    std::int64_t distinctCodes = 0; // over admissions with a discharge summary
    std::vector<Mimic3SplitReport> splits;
};

struct Mimic3Dataset {
    std::vector<Document> train, dev, test; // each sorted by token count ascending (stable)
};

// Throws InputError for unreadable files, missing columns and malformed rows ("<file>:<line>: ...").
// Document::id = HADM_ID, text = the admission's notes joined by one space, codes upper-cased and
// de-duplicated (diagnoses then procedures, file order), no evidence.
Mimic3Dataset prepareMimic3(const Mimic3Options& options, Mimic3Report& report);

// ---------------------------------------------------------------------------------------------- MIMIC-IV

// MIMIC-IV (hosp and note modules, 2.x) with Edin et al.'s splits (SIGIR 2023): the admissions of the split
// file that have a discharge note. Text = the admission's notes of note/discharge.csv joined by one space in
// file order; codes = its diagnoses then procedures of the chosen ICD version in catalog form (ICD-10-CM with
// a dot after the 3rd character, ICD-10-PCS without; ICD-9 by reformatIcd9Code, codes read as strings so
// leading zeros stay), de-duplicated; codes with fewer than minCodeCount assignments over those admissions
// are dropped (Edin et al.'s MIN_TARGET_COUNT), then admissions left without a code.
enum class Mimic4Codes { Icd10, Icd9 };

struct Mimic4Options {
    std::string discharge;  // note/discharge.csv: note_id, subject_id, hadm_id, ..., text
    std::string diagnoses;  // hosp/diagnoses_icd.csv: subject_id, hadm_id, seq_num, icd_code, icd_version
    std::string procedures; // hosp/procedures_icd.csv: ..., hadm_id, ..., icd_code, icd_version
    // Edin et al.'s split as CSV, columns `_id` (or `hadm_id`) and `split` (train, val, test). Their files
    // are Feather; convert once: python3 -c "import pandas as p;
    // p.read_feather('mimiciv_icd10_split.feather') .to_csv('mimiciv_icd10_split.csv', index=False)".
    std::string splits;
    Mimic4Codes codes = Mimic4Codes::Icd10;
    int minCodeCount = 10;
    std::string outDir; // train_<codes>.jsonl, dev_<codes>.jsonl (split "val"), test_<codes>.jsonl
    std::function<void(const std::string&)> progress; // optional, one line per stage
};

struct Mimic4SplitReport {
    std::string name;                // train, dev, test
    std::int64_t ids = 0;            // admissions of the split file
    std::int64_t idsWithoutNote = 0; // no discharge note
    std::int64_t withoutCodes = 0;   // dropped: no code left after the count filter
    std::int64_t documents = 0;
    std::string file;
};

struct Mimic4Report {
    std::int64_t dischargeRows = 0;
    std::int64_t dischargeOutsideSplits = 0; // notes of admissions not in the split file
    std::int64_t diagnosisRows = 0, procedureRows = 0;
    std::int64_t otherVersionRows = 0; // rows of the other ICD version (ignored)
    std::int64_t distinctCodes = 0;    // kept
    std::int64_t rareCodes = 0;        // distinct codes dropped by minCodeCount
    std::int64_t rareAssignments = 0;  // their assignments
    std::vector<Mimic4SplitReport> splits;
};

// Streams the notes (memory: the split's codes and the notes of admissions not yet complete) and writes the
// three files atomically. Throws InputError for unreadable files, missing columns, malformed rows, or a
// split name other than train/val/test ("<file>:<line>: ...").
void prepareMimic4(const Mimic4Options& options, Mimic4Report& report);

} // namespace fc
