// NoteEditor: evidence spans become extra selections at the right document positions, with underline and
// weight-dependent background; edits are debounced into textEdited.
#include "noteeditor.h"

#include <QElapsedTimer>
#include <QScrollBar>
#include <QSignalSpy>
#include <QtTest>

using fc::EvidenceSpan;
using fc::ui::NoteEditor;

class TstNoteEditor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void spansBecomeExtraSelections_data();
    void spansBecomeExtraSelections();
    void weightSetsIntensityAndUnderlineStyle();
    void strongestSpanIsScrolledIntoView();
    void typingKeepsTheCaret();
    void outOfRangeSpansAreClampedOrSkipped();
    void setNoteTextDoesNotEmitTextEdited();
    void editsAreDebounced();
    void noteTextKeepsOriginalLineEndings();
    void hoverNamesTheCodesOfAPhrase();
    void jumpToSelectsTheSpan();
    void fiftyThousandWordNoteStaysSmooth();
};

void TstNoteEditor::hoverNamesTheCodesOfAPhrase() {
    NoteEditor editor;
    editor.setNoteText(QStringLiteral("Fever and chest pain.\r\nHypertension."));
    editor.setEvidenceOwners({{QStringLiteral("R50.9"), {0, 5, 0.3}},
                              {QStringLiteral("R07.9"), {10, 20, 0.6}},
                              {QStringLiteral("I20.9"), {16, 20, 0.9}},
                              {QStringLiteral("R07.9"), {0, 3, 0.1}}});
    QCOMPARE(editor.codesAt(2), (QStringList{"R50.9", "R07.9"}));
    QCOMPARE(editor.codesAt(17), (QStringList{"I20.9", "R07.9"})); // strongest span first
    QCOMPARE(editor.codesAt(20), QStringList{});                   // end is exclusive
    editor.setNoteText(QStringLiteral("other"));
    QCOMPARE(editor.codesAt(2), QStringList{}); // a new note drops the owners
}

void TstNoteEditor::jumpToSelectsTheSpan() {
    NoteEditor editor;
    editor.setNoteText(QString::fromUtf8("\xF0\x9F\x98\x80 a\r\nrenal colic"));
    editor.jumpTo(5, 10); // code points of "renal"
    QCOMPARE(editor.textCursor().selectedText(), QStringLiteral("renal"));
    QCOMPARE(editor.selectedNoteText(), QStringLiteral("renal"));
    editor.jumpTo(2);
    QVERIFY(!editor.textCursor().hasSelection());
}

// 50,000 words: loading, highlighting a code's evidence near the end (which scrolls there) and scrolling
// page by page must each stay well under what a coder notices. The measured times are printed.
void TstNoteEditor::fiftyThousandWordNoteStaysSmooth() {
    const QStringList words{QStringLiteral("patient"),   QStringLiteral("fever"),
                            QStringLiteral("abdominal"), QStringLiteral("pain"),
                            QStringLiteral("renal"),     QStringLiteral("colic"),
                            QStringLiteral("señora"),    QStringLiteral("hypertension")};
    QString text;
    for (int i = 0; i < 50000; ++i) {
        text += words[i % words.size()];
        text += (i % 17 == 16) ? QStringLiteral(".\r\n") : QStringLiteral(" ");
    }
    NoteEditor editor;
    editor.resize(800, 600);
    editor.setFocusPolicy(Qt::NoFocus); // as when the coder works in the suggestion table
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    QElapsedTimer timer;
    timer.start();
    editor.setNoteText(text);
    QCoreApplication::processEvents();
    const qint64 loadMs = timer.elapsed();

    const std::int64_t n = editor.codePointCount();
    std::vector<EvidenceSpan> spans{{n - 500, n - 480, 0.6}, {n / 2, n / 2 + 30, 0.3}, {100, 120, 0.1}};
    timer.restart();
    editor.highlightSpans(spans);
    editor.repaint();
    const qint64 highlightMs = timer.elapsed();
    QCOMPARE(editor.extraSelections().size(), 3);
    QVERIFY(editor.visibleRange().second >= n - 500);

    QScrollBar* bar = editor.verticalScrollBar();
    timer.restart();
    const int steps = 50;
    for (int i = 0; i < steps; ++i) {
        bar->setValue(bar->value() - bar->pageStep());
        editor.repaint();
    }
    const double scrollMs = static_cast<double>(timer.elapsed()) / steps;
    qInfo("50,000 words (%lld code points): load %lld ms, highlight+scroll to evidence %lld ms, "
          "page scroll %.1f ms per page",
          static_cast<long long>(n), static_cast<long long>(loadMs), static_cast<long long>(highlightMs),
          scrollMs);
    QVERIFY2(highlightMs < 200, qPrintable(QString::number(highlightMs)));
    QVERIFY2(scrollMs < 50.0, qPrintable(QString::number(scrollMs)));
}

void TstNoteEditor::spansBecomeExtraSelections_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("begin");
    QTest::addColumn<qint64>("end");
    QTest::addColumn<QString>("selected"); // the document text the selection covers

    QTest::newRow("ascii") << QStringLiteral("No fever. Chest pain on exertion.") << qint64(10) << qint64(20)
                           << QStringLiteral("Chest pain");
    QTest::newRow("accents") << QStringLiteral("Señora con disnea y cefalea") << qint64(11) << qint64(17)
                             << QStringLiteral("disnea");
    QTest::newRow("after emoji") << QString::fromUtf8("\xF0\x9F\x98\x80\xF0\x9F\x98\x80 acute pancreatitis")
                                 << qint64(3) << qint64(8) << QStringLiteral("acute");
    QTest::newRow("after crlf") << QStringLiteral("Line one\r\nLine two\r\nrenal colic") << qint64(20)
                                << qint64(31) << QStringLiteral("renal colic");
    QTest::newRow("at the end") << QStringLiteral("history of gout") << qint64(11) << qint64(15)
                                << QStringLiteral("gout");
}

void TstNoteEditor::spansBecomeExtraSelections() {
    QFETCH(QString, text);
    QFETCH(qint64, begin);
    QFETCH(qint64, end);
    QFETCH(QString, selected);
    NoteEditor editor;
    editor.setNoteText(text);
    editor.highlightSpans({{begin, end, 0.7}});
    const QList<QTextEdit::ExtraSelection> selections = editor.extraSelections();
    QCOMPARE(selections.size(), 1);
    QCOMPARE(selections[0].cursor.selectedText(), selected);
    QVERIFY(selections[0].format.underlineStyle() != QTextCharFormat::NoUnderline);
    QVERIFY(selections[0].format.background().style() != Qt::NoBrush);

    editor.highlightSpans({});
    QVERIFY(editor.extraSelections().isEmpty());
}

void TstNoteEditor::weightSetsIntensityAndUnderlineStyle() {
    NoteEditor editor;
    editor.setNoteText(QStringLiteral("fever and cough and chest pain"));
    // Strongest first is not required: the editor finds the strongest span itself.
    editor.highlightSpans({{10, 15, 0.2}, {0, 5, 0.7}, {20, 30, 0.1}});
    const QList<QTextEdit::ExtraSelection> selections = editor.extraSelections();
    QCOMPARE(selections.size(), 3);
    QCOMPARE(selections[0].cursor.selectedText(), QStringLiteral("cough"));
    QCOMPARE(selections[1].cursor.selectedText(), QStringLiteral("fever"));
    QCOMPARE(selections[2].cursor.selectedText(), QStringLiteral("chest pain"));
    const int cough = selections[0].format.background().color().alpha();
    const int fever = selections[1].format.background().color().alpha();
    const int chest = selections[2].format.background().color().alpha();
    QVERIFY2(fever > cough && cough > chest,
             qPrintable(QStringLiteral("%1 %2 %3").arg(fever).arg(cough).arg(chest)));
    QCOMPARE(selections[1].format.underlineStyle(), QTextCharFormat::SingleUnderline);
    QCOMPARE(selections[0].format.underlineStyle(), QTextCharFormat::DotLine);
    QCOMPARE(selections[2].format.underlineStyle(), QTextCharFormat::DotLine);
}

void TstNoteEditor::strongestSpanIsScrolledIntoView() {
    NoteEditor editor;
    editor.resize(400, 200);
    QString text;
    for (int line = 0; line < 300; ++line)
        text += QStringLiteral("Line %1 of an uneventful note.\n").arg(line, 3, 10, QLatin1Char('0'));
    text += QStringLiteral("Acute appendicitis.\n");
    editor.setNoteText(text);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    QCOMPARE(editor.verticalScrollBar()->value(), 0);
    editor.clearFocus(); // with focus (the coder typing) the view would stay put
    const qint64 begin = text.indexOf(QStringLiteral("Acute"));
    editor.highlightSpans({{0, 4, 0.1}, {begin, begin + 18, 0.9}});
    QCOMPARE(editor.textCursor().position(), int(begin));
    QVERIFY(editor.verticalScrollBar()->value() > 0);
    const QRect caret = editor.cursorRect();
    QVERIFY(editor.viewport()->rect().contains(caret.center()));
}

void TstNoteEditor::typingKeepsTheCaret() {
    NoteEditor editor;
    editor.setNoteText(QStringLiteral("fever and cough and chest pain"));
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    editor.setFocus();
    QVERIFY(QTest::qWaitFor([&]() { return editor.hasFocus(); }));
    editor.moveCursor(QTextCursor::End);
    editor.highlightSpans({{0, 5, 0.7}});
    QCOMPARE(editor.extraSelections().size(), 1);
    QCOMPARE(editor.textCursor().position(), 30);
}

void TstNoteEditor::outOfRangeSpansAreClampedOrSkipped() {
    NoteEditor editor;
    editor.setNoteText(QStringLiteral("short note"));
    editor.highlightSpans({{6, 500, 0.5}, {40, 50, 0.4}, {3, 3, 0.9}, {-5, 5, 0.1}});
    const QList<QTextEdit::ExtraSelection> selections = editor.extraSelections();
    QCOMPARE(selections.size(), 2);
    QCOMPARE(selections[0].cursor.selectedText(), QStringLiteral("note"));
    QCOMPARE(selections[1].cursor.selectedText(), QStringLiteral("short"));
}

void TstNoteEditor::setNoteTextDoesNotEmitTextEdited() {
    NoteEditor editor;
    editor.setEditDebounce(10);
    QSignalSpy edited(&editor, &NoteEditor::textEdited);
    editor.setNoteText(QStringLiteral("Pasted note"));
    QTest::qWait(50);
    QCOMPARE(edited.count(), 0);
}

void TstNoteEditor::editsAreDebounced() {
    NoteEditor editor;
    QCOMPARE(editor.editDebounce(), 600);
    editor.setEditDebounce(100);
    editor.setNoteText(QStringLiteral("fever"));
    editor.highlightSpans({{0, 5, 1.0}});
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    editor.setFocus();
    editor.moveCursor(QTextCursor::End);
    QSignalSpy edited(&editor, &NoteEditor::textEdited);
    QTest::keyClicks(&editor, QStringLiteral(" and cough"));
    QVERIFY(editor.extraSelections().isEmpty()); // old offsets no longer apply
    QCOMPARE(edited.count(), 0);
    QVERIFY(edited.wait(2000));
    QTest::qWait(150);
    QCOMPARE(edited.count(), 1);
    QCOMPARE(edited.at(0).at(0).toString(), QStringLiteral("fever and cough"));
    QCOMPARE(editor.noteText(), QStringLiteral("fever and cough"));
}

void TstNoteEditor::noteTextKeepsOriginalLineEndings() {
    NoteEditor editor;
    const QString text = QStringLiteral("a\r\nb");
    editor.setNoteText(text);
    QCOMPARE(editor.noteText(), text);
    QCOMPARE(editor.toPlainText(), QStringLiteral("a\nb"));
}

QTEST_MAIN(TstNoteEditor)
#include "tst_noteeditor.moc"
