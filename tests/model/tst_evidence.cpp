// Tests of fc/model/evidence.h: window geometry, merging, ranking, boundaries, padding and the
// per-architecture options.
#include "fc/model/evidence.h"
#include "fc/model/evidence_descriptions.h"

#include <QtTest>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

using namespace fc;

namespace {

// Token i spans code points [3i, 3i + 2) (two-letter words separated by one space).
std::vector<Token> tokens(std::size_t count) {
    std::vector<Token> result;
    for (std::size_t i = 0; i < count; ++i) {
        const auto begin = static_cast<std::int64_t>(3 * i);
        result.push_back({"ww", begin, begin + 2});
    }
    return result;
}

// Token range [first, last] in code points under the layout above.
EvidenceSpan span(std::int64_t first, std::int64_t last, double weight) {
    return {3 * first, 3 * last + 2, weight};
}

EvidenceOptions fusion(int context) {
    EvidenceOptions options;
    options.contextTokens = context;
    return options;
}

QString describe(const std::vector<EvidenceSpan>& spans) {
    QStringList parts;
    for (const EvidenceSpan& s : spans)
        parts << QStringLiteral("[%1,%2) %3").arg(s.begin).arg(s.end).arg(s.weight);
    return parts.join(QStringLiteral("; "));
}

} // namespace

Q_DECLARE_METATYPE(std::vector<float>)
Q_DECLARE_METATYPE(std::vector<EvidenceSpan>)
Q_DECLARE_METATYPE(EvidenceOptions)

class TestEvidence : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void extract_data() {
        QTest::addColumn<std::vector<float>>("attention");
        QTest::addColumn<int>("tokenCount");
        QTest::addColumn<EvidenceOptions>("options");
        QTest::addColumn<std::vector<EvidenceSpan>>("expected");

        // Fusion position p covers tokens 2p, 2p + 1.
        QTest::newRow("single peak, core only") << std::vector<float>{0, 0, 1, 0, 0} << 10 << fusion(0)
                                                << std::vector<EvidenceSpan>{span(4, 5, 1.0)};
        QTest::newRow("context 1") << std::vector<float>{0, 0, 1, 0, 0} << 10 << fusion(1)
                                   << std::vector<EvidenceSpan>{span(3, 6, 1.0)};
        QTest::newRow("context 2") << std::vector<float>{0, 0, 1, 0, 0} << 10 << fusion(2)
                                   << std::vector<EvidenceSpan>{span(2, 7, 1.0)};

        // Merging: touching windows merge, windows with a gap do not.
        QTest::newRow("adjacent cores merge") << std::vector<float>{0, 0.5f, 0.5f, 0, 0} << 10 << fusion(0)
                                              << std::vector<EvidenceSpan>{span(2, 5, 1.0)};
        QTest::newRow("gap keeps two spans, equal weights in text order")
            << std::vector<float>{0, 0.5f, 0, 0.5f, 0} << 10 << fusion(0)
            << std::vector<EvidenceSpan>{span(2, 3, 0.5), span(6, 7, 0.5)};
        QTest::newRow("context closes the gap") << std::vector<float>{0, 0.5f, 0, 0.5f, 0} << 10 << fusion(1)
                                                << std::vector<EvidenceSpan>{span(1, 8, 1.0)};
        QTest::newRow("overlapping windows merge") << std::vector<float>{0, 0.5f, 0, 0.5f, 0} << 10
                                                   << fusion(2) << std::vector<EvidenceSpan>{span(0, 9, 1.0)};

        // Ranking by weight, maxSpans and minShare.
        const std::vector<float> three = {0, 0, 0.2f, 0, 0.3f, 0, 0, 0.5f, 0, 0};
        QTest::newRow("ranked by weight")
            << three << 20 << fusion(0)
            << std::vector<EvidenceSpan>{span(14, 15, 0.5), span(8, 9, 0.3), span(4, 5, 0.2)};
        EvidenceOptions two = fusion(0);
        two.maxSpans = 2;
        QTest::newRow("maxSpans") << three << 20 << two
                                  << std::vector<EvidenceSpan>{span(14, 15, 0.5), span(8, 9, 0.3)};
        EvidenceOptions share = fusion(0);
        share.minShare = 0.25;
        QTest::newRow("minShare drops weak spans")
            << three << 20 << share << std::vector<EvidenceSpan>{span(14, 15, 0.5), span(8, 9, 0.3)};

        // Span weight counts every position whose core lies inside the span, seed or not: seeds p1, p3
        // (maxSeedPositions 2) give [1, 8], which holds the cores of p1, p2, p3 but not p4 ([8, 9]).
        EvidenceOptions seeds = fusion(1);
        seeds.maxSeedPositions = 2;
        QTest::newRow("non-seed mass inside the span") << std::vector<float>{0, 0.4f, 0.1f, 0.4f, 0.1f} << 10
                                                       << seeds << std::vector<EvidenceSpan>{span(1, 8, 0.9)};
        EvidenceOptions oneSeed = fusion(0);
        oneSeed.maxSeedPositions = 1;
        QTest::newRow("seed ties: lower position first")
            << std::vector<float>{0.5f, 0, 0, 0, 0.5f} << 10 << oneSeed
            << std::vector<EvidenceSpan>{span(0, 1, 0.5)};

        // Boundaries: widening is clipped to the window's tokens.
        QTest::newRow("first position") << std::vector<float>{1, 0, 0, 0, 0} << 10 << fusion(2)
                                        << std::vector<EvidenceSpan>{span(0, 3, 1.0)};
        QTest::newRow("last position") << std::vector<float>{0, 0, 0, 0, 1} << 10 << fusion(2)
                                       << std::vector<EvidenceSpan>{span(6, 9, 1.0)};

        // Odd token count: 5 tokens -> 3 real positions, the last covers token 4 only; position 3 is padding
        // and its weight is neither a span nor part of the mass (0.4).
        QTest::newRow("odd token count and padding")
            << std::vector<float>{0.1f, 0, 0.3f, 0.5f} << 5 << fusion(0)
            << std::vector<EvidenceSpan>{span(4, 4, 0.75), span(0, 1, 0.25)};
        QTest::newRow("padding beyond a short note")
            << std::vector<float>{0, 1, 0, 5, 5, 5, 5, 5} << 4 << fusion(0)
            << std::vector<EvidenceSpan>{span(2, 3, 1.0)};

        // Nothing to show.
        QTest::newRow("all zero") << std::vector<float>{0, 0, 0} << 6 << fusion(1)
                                  << std::vector<EvidenceSpan>{};
        QTest::newRow("no positions")
            << std::vector<float>{} << 6 << fusion(1) << std::vector<EvidenceSpan>{};
        QTest::newRow("no tokens") << std::vector<float>{1, 1} << 0 << fusion(1)
                                   << std::vector<EvidenceSpan>{};
        QTest::newRow("weight only on padding")
            << std::vector<float>{0, 0, 0, 1} << 6 << fusion(1) << std::vector<EvidenceSpan>{};
        QTest::newRow("NaN and negative weights count as zero")
            << std::vector<float>{std::numeric_limits<float>::quiet_NaN(), -1.0f, 0.5f} << 6 << fusion(0)
            << std::vector<EvidenceSpan>{span(4, 5, 1.0)};
        EvidenceOptions none = fusion(1);
        none.maxSpans = 0;
        QTest::newRow("maxSpans 0") << std::vector<float>{1, 0} << 4 << none << std::vector<EvidenceSpan>{};
        // Flat attention over 1,000 positions: the 10 seeds merge into one span holding 1 % of the mass,
        // below the default minimum share of 2 %: no evidence rather than an arbitrary highlight.
        QTest::newRow("flat attention")
            << std::vector<float>(1000, 0.001f) << 2000 << EvidenceOptions{} << std::vector<EvidenceSpan>{};

        // Stride 1 geometries.
        QTest::newRow("multirescnn") << std::vector<float>{0, 0, 1, 0, 0, 0} << 6
                                     << evidenceOptionsFor("multirescnn")
                                     << std::vector<EvidenceSpan>{span(1, 3, 1.0)};
        // CAML: position t explains [t, t + 10); with context 1 and 12 tokens.
        QTest::newRow("caml start") << std::vector<float>{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0} << 12
                                    << evidenceOptionsFor("caml")
                                    << std::vector<EvidenceSpan>{span(0, 10, 1.0)};
        QTest::newRow("caml end clipped")
            << std::vector<float>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0} << 12 << evidenceOptionsFor("caml")
            << std::vector<EvidenceSpan>{span(9, 11, 1.0)};
        // Full receptive field of Fusion (k = 25): 60 tokens on each side of [2p, 2p + 1].
        std::vector<float> peak50(100, 0.0f);
        peak50[50] = 1.0f;
        QTest::newRow("fusion full receptive field")
            << peak50 << 200 << evidenceOptionsFor("fusion", EvidenceGeometry::FullReceptiveField)
            << std::vector<EvidenceSpan>{span(40, 161, 1.0)};
    }

    void extract() {
        QFETCH(std::vector<float>, attention);
        QFETCH(int, tokenCount);
        QFETCH(EvidenceOptions, options);
        QFETCH(std::vector<EvidenceSpan>, expected);
        const std::vector<EvidenceSpan> actual =
            extractEvidence(attention, tokens(static_cast<std::size_t>(tokenCount)), options);
        bool same = actual.size() == expected.size();
        for (std::size_t i = 0; same && i < actual.size(); ++i)
            same = actual[i].begin == expected[i].begin && actual[i].end == expected[i].end &&
                   std::fabs(actual[i].weight - expected[i].weight) < 1e-6;
        QVERIFY2(same,
                 qPrintable(QStringLiteral("got %1, expected %2").arg(describe(actual), describe(expected))));
    }

    void offsetsComeFromTheTokens() {
        // Tokens with uneven gaps (as after dropped numbers and punctuation) and offsets into a whole note.
        const std::vector<Token> window = {{"left", 100, 104}, {"leg", 105, 108},  {"and", 109, 112},
                                           {"arm", 113, 116},  {"pain", 120, 124}, {"x", 130, 131}};
        EvidenceOptions options = fusion(0);
        const std::vector<EvidenceSpan> spans = extractEvidence({0.2f, 0.0f, 0.8f}, window, options);
        QCOMPARE(spans.size(), std::size_t{2});
        QCOMPARE(spans[0].begin, std::int64_t{120});
        QCOMPARE(spans[0].end, std::int64_t{131});
        QCOMPARE(spans[1].begin, std::int64_t{100});
        QCOMPARE(spans[1].end, std::int64_t{108});
        // Pointer form: the first two tokens of a longer note with one position of attention.
        const float one = 1.0f;
        const std::vector<EvidenceSpan> head = extractEvidence(&one, 1, window.data(), 2, options);
        QCOMPARE(head.size(), std::size_t{1});
        QCOMPARE(head[0].begin, std::int64_t{100});
        QCOMPARE(head[0].end, std::int64_t{108});
    }

    void weightsAreSharesOfTheMass() {
        std::vector<float> attention(40);
        for (std::size_t p = 0; p < attention.size(); ++p)
            attention[p] = static_cast<float>((p * 37) % 11) + 0.5f;
        EvidenceOptions options;
        options.maxSpans = 100;
        options.minShare = 0.0;
        const std::vector<EvidenceSpan> spans = extractEvidence(attention, tokens(80), options);
        QVERIFY(!spans.empty());
        double total = 0.0;
        for (std::size_t i = 0; i < spans.size(); ++i) {
            QVERIFY(spans[i].weight > 0.0 && spans[i].weight <= 1.0);
            QVERIFY(spans[i].begin < spans[i].end);
            if (i > 0)
                QVERIFY(spans[i - 1].weight >= spans[i].weight);
            for (std::size_t j = 0; j < i; ++j) // disjoint
                QVERIFY(spans[i].end <= spans[j].begin || spans[j].end <= spans[i].begin);
            total += spans[i].weight;
        }
        QVERIFY(total <= 1.0 + 1e-9);
    }

    void optionsPerArchitecture() {
        for (const char* arch : {"fusion", "fusion-maxpool", "fusion-doclevel"}) {
            const EvidenceOptions readable = evidenceOptionsFor(arch);
            QCOMPARE(readable.tokensPerPosition, 2);
            QCOMPARE(readable.leftTokens, 0);
            QCOMPARE(readable.rightTokens, 0);
            QCOMPARE(readable.contextTokens, EvidenceOptions{}.contextTokens);
            const EvidenceOptions full = evidenceOptionsFor(arch, EvidenceGeometry::FullReceptiveField);
            QCOMPARE(full.leftTokens, 60);
            QCOMPARE(full.rightTokens, 60);
            QCOMPARE(full.contextTokens, 0);
        }
        QCOMPARE(evidenceOptionsFor("fusion", EvidenceGeometry::FullReceptiveField, 3).rightTokens, 5);
        const EvidenceOptions multires =
            evidenceOptionsFor("multirescnn", EvidenceGeometry::FullReceptiveField);
        QCOMPARE(multires.tokensPerPosition, 1);
        QCOMPARE(multires.leftTokens, 36);
        QCOMPARE(multires.rightTokens, 36);
        for (const char* arch : {"caml", "drcaml"}) {
            const EvidenceOptions caml = evidenceOptionsFor(arch);
            QCOMPARE(caml.tokensPerPosition, 1);
            QCOMPARE(caml.leftTokens, 0);
            QCOMPARE(caml.rightTokens, 9);
            QCOMPARE(evidenceOptionsFor(arch, EvidenceGeometry::FullReceptiveField).contextTokens, 0);
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, evidenceOptionsFor("bert"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 evidenceOptionsFor("fusion", EvidenceGeometry::Readable, -1));
    }

    void rejectsInvalidOptions() {
        EvidenceOptions options;
        options.tokensPerPosition = 0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, extractEvidence({1.0f}, tokens(2), options));
        options = {};
        options.contextTokens = -1;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, extractEvidence({1.0f}, tokens(2), options));
        options = {};
        options.maxSeedPositions = -1;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, extractEvidence({1.0f}, tokens(2), options));
    }

    // A code's description is its most frequent mention; a discontiguous mention stays one, lower-cased, with
    // white space folded; out-of-range spans are ignored.
    void descriptionsFromEvidence() {
        const auto document = [](std::string text, std::vector<fc::EvidenceAnnotation> evidence) {
            fc::Document d;
            d.text = std::move(text);
            d.evidence = std::move(evidence);
            return d;
        };
        // "Cáncer de mama": code points, not bytes (á is 2 bytes).
        const std::vector<fc::Document> docs{
            document("Cáncer de mama izquierda. HTA.", {{"C50", 0, 6}, {"C50", 10, 14}, {"I10", 26, 29}}),
            document("HTA\n arterial y fiebre", {{"I10", 0, 13}, {"R50", 16, 22}, {"R50", 30, 99}}),
            document("Fiebre alta, hta.", {{"R50", 0, 6}, {"I10", 13, 16}})};
        const auto d = fc::evidenceDescriptions(docs);
        QCOMPARE(d.size(), std::size_t{3});
        QCOMPARE(d.at("C50"), std::string("cáncer mama"));
        QCOMPARE(d.at("I10"), std::string("hta")); // twice, against "hta arterial" once
        QCOMPARE(d.at("R50"), std::string("fiebre"));
    }
};

QTEST_APPLESS_MAIN(TestEvidence)
#include "tst_evidence.moc"
