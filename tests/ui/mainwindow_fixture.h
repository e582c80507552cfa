#pragma once
// What the MainWindow tests share (tst_mainwindow, tst_mainwindow_review): a small random model
// (fc::createModel) in a temporary directory, a Spanish note, loading and analysing through the window, and
// reading back what its database stored.
#include "banner.h"
#include "catalogsearchmodel.h"
#include "chartpanel.h"
#include "codesearchdialog.h"
#include "codinglistmodel.h"
#include "evidencepanel.h"
#include "notepane.h"
#include "suggestionpanel.h"
#include "worklistpanel.h"

#include "../support/screenshot.h"
#include "evidencelistmodel.h"
#include "evidenceoverview.h"
#include "exportdialog.h"
#include "mainwindow.h"
#include "noteeditor.h"
#include "scriptedsession.h"
#include "shortcutoverlay.h"
#include "suggestionfilterproxy.h"
#include "suggestiontablemodel.h"
#include "worklistmodel.h"

#include "fc/storage/database.h"
#include "fc/storage/model_repositories.h"
#include "fc/storage/repositories.h"
#include "fc/storage/sha256.h"

#include "fc/model/modelfiles.h"

#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using fc::ui::MainWindow;
using fc::ui::SuggestionTableModel;

namespace fc::uitest {

using fc::ui::MainWindow;
using fc::ui::SuggestionTableModel;

inline const QString kNote =
    QStringLiteral("Señor de 58 años con dolor torácico 😀 y fiebre.\r\nAntecedentes: hipertensión "
                   "arterial. Dolor abdominal y náuseas; fiebre persistente.");

inline QString statusOf(QTableView* view, int row) {
    return view->model()->index(row, SuggestionTableModel::StatusColumn).data().toString();
}

inline QString codeOf(QTableView* view, int row) {
    return view->model()->index(row, SuggestionTableModel::CodeColumn).data().toString();
}

// RFC 4180 records (quoted fields with doubled quotes, CRLF line ends).
inline QList<QStringList> parseCsv(const QString& text) {
    QList<QStringList> records;
    QStringList record;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
                field += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            record << field;
            field.clear();
        } else if (c == QLatin1Char('\n')) {
            record << field;
            records << record;
            record.clear();
            field.clear();
        } else if (c != QLatin1Char('\r')) {
            field += c;
        }
    }
    return records;
}

inline std::map<std::string, fc::storage::DecisionRecord>
byCode(const std::vector<fc::storage::DecisionRecord>& records) {
    std::map<std::string, fc::storage::DecisionRecord> result;
    for (const fc::storage::DecisionRecord& record : records)
        result[record.code] = record;
    return result;
}

// What the window's database holds for its current note, read through a connection of the test's own.
inline std::vector<fc::storage::DecisionRecord> storedDecisions(const MainWindow& window) {
    fc::storage::Database db(window.session()->databasePath().toStdString());
    return fc::storage::DecisionRepository(db).currentForNote(window.session()->noteId());
}

inline std::int64_t decisionCount(const MainWindow& window) {
    fc::storage::Database db(window.session()->databasePath().toStdString());
    return fc::storage::DecisionRepository(db).count();
}

class MainWindowFixture {
protected:
    void setUpFixture() {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true); // recent files go to a test settings file
        qputenv("FUSIONCODER_CATALOGS", QByteArray(FC_SOURCE_DIR) + "/resources/catalogs");
        fc::ModelConfig config;
        config.name = "UI test model";
        config.version = "test-1";
        config.placeholder = true;
        config.threshold = 0.0001f; // every label is shown, whatever the random weights say
        config.labels = m_labels;
        config.options.embeddingDim = 8;
        config.options.filterSizes = {3, 5};
        config.options.filterMaps = 4;
        config.options.heads = 2;
        config.options.ffnDim = 16;
        config.options.maxTokens = 64;
        m_model = m_dir.filePath(QStringLiteral("model"));
        fc::createModel(config,
                        {"dolor", "fiebre", "hipertensión", "náuseas", "torácico", "abdominal", "arterial"},
                        7, m_model.toStdString());
    }

    QString loadModel(MainWindow& window) { // empty on success, else the error
        QSignalSpy loaded(&window, &MainWindow::modelLoadFinished);
        window.loadModel(m_model, 1);
        if (!loaded.wait(30000))
            return QStringLiteral("timed out");
        return loaded.at(0).at(0).toBool() ? QString() : loaded.at(0).at(1).toString();
    }

    bool analyse(MainWindow& window, const QString& text) {
        QSignalSpy finished(&window, &MainWindow::analysisFinished);
        window.setNote(text, QStringLiteral("test"));
        if (!finished.wait(30000))
            return false;
        return finished.at(0).at(0).toBool();
    }

    QTemporaryDir m_dir;
    QString m_model;
    const std::vector<std::string> m_labels{"I10", "R50.9", "R10.9", "R07.9", "R11.0"};
};

} // namespace fc::uitest
