// Helper of tests/faults/kill_during_writes.sh: writes a fusioncoder database through the storage
// repositories, the way the application does, so that the script can kill it at random moments.
//
//   decision_writer init DB            create (or migrate) the database and return
//   decision_writer write DB           record decisions until killed; after each commit returned, print the
//                                      decision id on its own line and flush, so that every printed id is one
//                                      the database promised to keep
//   decision_writer seed DB NOTES.tsv  store every note of the file (lines "CODE,CODE<TAB>text") as reviewed:
//                                      its codes accepted, the file's other codes rejected (material for
//                                      `fusioncoder-cli finetune`)
//
// Only fc::storage is linked: a writer that loaded LibTorch would spend the first few hundred milliseconds,
// the whole kill window, starting up.
//
// Exit codes: 0 done (init, seed), 1 storage or input error (message on stderr), 2 bad usage, 3 stdout
// failed.
#include "fc/storage/database.h"
#include "fc/storage/repositories.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace fc::storage;

// A new note with an analysis now and then: notes, analyses, suggestions and evidence are written in larger
// transactions than a decision, so a kill also lands in those.
std::int64_t newNoteWithAnalysis(Database& db, long round) {
    const std::string text = "fault injection note, writer " + std::to_string(::getpid()) + ", round " +
                             std::to_string(round) + ": chest pain, hypertension, type 2 diabetes";
    const std::int64_t noteId = NoteRepository(db).upsert(text, "fault-test");
    AnalysisRecord analysis;
    analysis.noteId = noteId;
    analysis.modelVersion = "fault-test";
    analysis.threshold = 0.5;
    for (int rank = 0; rank < 20; ++rank) {
        SuggestionRecord suggestion;
        suggestion.code = "C" + std::to_string(rank);
        suggestion.system = "icd-10-cm";
        suggestion.score = 1.0 - rank / 20.0;
        for (int span = 0; span < 3; ++span)
            suggestion.evidence.push_back({span * 10, span * 10 + 5, 1.0 / 3});
        analysis.suggestions.push_back(suggestion);
    }
    AnalysisRepository(db).record(analysis);
    return noteId;
}

int writeUntilKilled(const std::string& path) {
    Database db(path);
    DecisionRepository decisions(db);
    std::int64_t noteId = 0;
    for (long i = 0;; ++i) {
        if (i % 25 == 0)
            noteId = newNoteWithAnalysis(db, i);
        DecisionRecord decision;
        decision.noteId = noteId;
        decision.code = "C" + std::to_string(i % 20);
        decision.system = "icd-10-cm";
        decision.kind = i % 3 == 0 ? DecisionKind::Rejected : DecisionKind::Accepted;
        decision.score = 0.5;
        decision.modelVersion = "fault-test";
        const std::int64_t id = decisions.record(decision);
        // Only after record() returned: the id is then committed, and the script may hold us to it.
        if (std::printf("%lld\n", static_cast<long long>(id)) < 0 || std::fflush(stdout) != 0)
            return 3;
    }
}

struct ReviewLine {
    std::vector<std::string> codes;
    std::string text;
};

std::vector<ReviewLine> readReviews(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot read " + path);
    std::vector<ReviewLine> lines;
    std::string line;
    while (std::getline(in, line)) {
        const auto tab = line.find('\t');
        if (tab == std::string::npos)
            throw std::runtime_error(path + ": a line without a tab");
        ReviewLine review;
        std::istringstream codes(line.substr(0, tab));
        for (std::string code; std::getline(codes, code, ',');)
            if (!code.empty())
                review.codes.push_back(code);
        review.text = line.substr(tab + 1);
        lines.push_back(review);
    }
    return lines;
}

int seed(const std::string& path, const std::string& notesPath) {
    const auto reviews = readReviews(notesPath);
    std::set<std::string> allCodes;
    for (const auto& review : reviews)
        allCodes.insert(review.codes.begin(), review.codes.end());
    Database db(path);
    NoteRepository notes(db);
    DecisionRepository decisions(db);
    for (const auto& review : reviews) {
        const std::int64_t noteId = notes.upsert(review.text, "fault-test");
        for (const auto& code : allCodes) {
            DecisionRecord decision;
            decision.noteId = noteId;
            decision.code = code;
            decision.system = "unknown";
            decision.score = 0.5;
            const bool gold = std::find(review.codes.begin(), review.codes.end(), code) != review.codes.end();
            decision.kind = gold ? DecisionKind::Accepted : DecisionKind::Rejected;
            decisions.record(decision);
        }
    }
    std::printf("%zu reviewed notes\n", reviews.size());
    return 0;
}

int usage() {
    std::fputs("usage: decision_writer init DB | write DB | seed DB NOTES.tsv\n", stderr);
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3)
        return usage();
    const std::string mode = argv[1];
    const std::string path = argv[2];
    try {
        if (mode == "init" && argc == 3) {
            Database db(path);
            return 0;
        }
        if (mode == "write" && argc == 3)
            return writeUntilKilled(path);
        if (mode == "seed" && argc == 4)
            return seed(path, argv[3]);
        return usage();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "decision_writer: %s\n", e.what());
        return 1;
    }
}
