// Sentence splitting, Gale-Church alignment with anchors and span projection (fc/model/sentence_alignment.h).
#include "fc/model/sentence_alignment.h"
#include "fc/model/unicode.h"

#include <QtTest>

using namespace fc;

namespace {

std::u32string u(const char* utf8) {
    return decodeUtf8(utf8);
}

std::string textOf(const std::u32string& text, SentenceSpan s) {
    return encodeUtf8(
        text.substr(static_cast<std::size_t>(s.begin), static_cast<std::size_t>(s.end - s.begin)));
}

} // namespace

class TestSentenceAlignment : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void splitsSpanishSentences() {
        const auto text = u("El Dr. García vio al paciente. Tenía una lesión de 3.5 cm en la fosa ilíaca.\n\n"
                            "¿Dolor? Sí. Se realizó TAC (J. Pérez) sin hallazgos");
        const auto s = splitSpanishSentences(text);
        QCOMPARE(s.size(), std::size_t{5});
        QCOMPARE(textOf(text, s[0]), std::string("El Dr. García vio al paciente."));
        QCOMPARE(textOf(text, s[1]), std::string("Tenía una lesión de 3.5 cm en la fosa ilíaca."));
        QCOMPARE(textOf(text, s[2]), std::string("¿Dolor?"));
        QCOMPARE(textOf(text, s[3]), std::string("Sí."));
        QCOMPARE(textOf(text, s[4]), std::string("Se realizó TAC (J. Pérez) sin hallazgos"));
    }

    void englishLinesWithoutLetterOnlyLines() {
        const auto text = u("First sentence.\n1.\n  Second one.  \n\nThird.");
        const auto s = englishSentences(text);
        QCOMPARE(s.size(), std::size_t{3});
        QCOMPARE(textOf(text, s[1]), std::string("Second one."));
        QCOMPARE(s[1].begin, 21); // 16 + "1.\n" (3) + 2 spaces
    }

    void alignsOneToOneAndASplitSentence() {
        // Spanish: 3 sentences; the MT split the second into two lines and wrote "1." for the blank line.
        const auto es =
            u("Mujer de 29 años con dolor en fosa renal derecha. La ecografía objetiva ectasia "
              "pielocalicial renal derecha; la UIV muestra una anulación funcional de la unidad renal "
              "derecha.\n\nSe realiza pieloplastia según técnica de Anderson-Hynes.");
        const auto en =
            u("A 29-year-old woman with pain in the right renal fossa.\nUltrasound showed right "
              "pyelocaliceal ectasia.\nThe UIV shows a functional annulation of the right renal "
              "unit.\n1.\nRight pyeloplasty was performed according to Anderson-Hynes technique.");
        const auto esS = splitSpanishSentences(es);
        const auto enS = englishSentences(en);
        QCOMPARE(esS.size(), std::size_t{3});
        QCOMPARE(enS.size(), std::size_t{4});
        const auto beads = alignSentences(es, esS, en, enS);
        QCOMPARE(beads.size(), std::size_t{3});
        QCOMPARE(beads[0].esCount, 1);
        QCOMPARE(beads[0].enCount, 1);
        QCOMPARE(beads[1].esFirst, 1);
        QCOMPARE(beads[1].enFirst, 1);
        QCOMPARE(beads[1].enCount, 2);
        QCOMPARE(beads[2].enFirst, 3);

        // "pieloplastia" (Spanish sentence 3) -> the last English line.
        const auto at = static_cast<std::int64_t>(es.find(U"pieloplastia"));
        const auto p = projectSpan(beads, esS, enS, at, at + 12);
        QVERIFY(p.has_value());
        QCOMPARE(textOf(en, *p),
                 std::string("Right pyeloplasty was performed according to Anderson-Hynes technique."));
        // "ectasia pielocalicial" (sentence 2) -> both English lines of its bead, as one range.
        const auto e = static_cast<std::int64_t>(es.find(U"ectasia"));
        const auto q = projectSpan(beads, esS, enS, e, e + 21);
        QVERIFY(q.has_value());
        QCOMPARE(q->begin, enS[1].begin);
        QCOMPARE(q->end, enS[2].end);
        // A span across sentences 1 and 2 covers English lines 0..2.
        const auto r = projectSpan(beads, esS, enS, esS[0].end - 5, esS[1].begin + 5);
        QVERIFY(r.has_value());
        QCOMPARE(r->begin, enS[0].begin);
        QCOMPARE(r->end, enS[2].end);
        // Outside every sentence (the blank line): nothing.
        QVERIFY(!projectSpan(beads, esS, enS, esS[1].end + 1, esS[1].end + 2).has_value());
    }

    void aSentenceWithoutItsOwnLineJoinsItsNeighbour() {
        // The MT left out the first sentence: Gale-Church prefers a 2-1 bead (prior .0445) to a deletion
        // (.005), so both Spanish sentences project onto the one English line, and the number still does.
        const auto es = u("Refiere tos seca. Temperatura de 37 grados.");
        const auto en = u("Temperature of 37 degrees.");
        const auto esS = splitSpanishSentences(es);
        const auto enS = englishSentences(en);
        const auto beads = alignSentences(es, esS, en, enS);
        QCOMPARE(beads.size(), std::size_t{1});
        QCOMPARE(beads[0].esCount, 2);
        QCOMPARE(beads[0].enCount, 1);
        const auto at = static_cast<std::int64_t>(es.find(U"37"));
        const auto p = projectSpan(beads, esS, enS, at, at + 2);
        QVERIFY(p.has_value());
        QCOMPARE(textOf(en, *p), std::string("Temperature of 37 degrees."));
    }

    void aDroppedMiddleSentenceKeepsItsNeighboursInPlace() {
        // Three short Spanish sentences, two English lines: the MT dropped the middle one. The first and last
        // sentences still land on their own lines (their numbers 12 and 80 are shared anchors).
        const auto es = u("Hemoglobina de 12 g/dl. Plaquetas de 45 mil. Sodio de 80 mEq/l.");
        const auto en = u("Hemoglobin of 12 g/dl.\nSodium of 80 mEq/l.");
        const auto esS = splitSpanishSentences(es);
        const auto enS = englishSentences(en);
        QCOMPARE(esS.size(), std::size_t{3});
        const auto beads = alignSentences(es, esS, en, enS);
        const auto first = projectSpan(beads, esS, enS, esS[0].begin, esS[0].end);
        const auto last = projectSpan(beads, esS, enS, esS[2].begin, esS[2].end);
        QVERIFY(first.has_value() && last.has_value());
        QCOMPARE(textOf(en, *first), std::string("Hemoglobin of 12 g/dl."));
        QCOMPARE(textOf(en, *last), std::string("Sodium of 80 mEq/l."));
    }

    void projectSpansEndToEnd() {
        const auto es = u("Fiebre alta. Tos productiva.");
        const auto en = u("High fever.\nProductive cough.");
        const auto out = projectSpans(es, en, {{0, 6}, {13, 16}});
        QCOMPARE(out.size(), std::size_t{2});
        QCOMPARE(textOf(en, *out[0]), std::string("High fever."));
        QCOMPARE(textOf(en, *out[1]), std::string("Productive cough."));
    }
};

QTEST_APPLESS_MAIN(TestSentenceAlignment)
#include "tst_sentence_alignment.moc"
