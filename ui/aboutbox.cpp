#include "aboutbox.h"

#include "codecatalog.h"
#include "codingsession.h"

#include <QApplication>
#include <QLocale>
#include <QMessageBox>

namespace fc::ui {

namespace {
QString formatCount(std::int64_t value) {
    return QLocale().toString(static_cast<qlonglong>(value));
}
} // namespace

const char* placeholderWarning() {
    return "Placeholder model with random weights — suggestions are meaningless";
}

QWidget* showAboutBox(QWidget* parent, CodingSession& session) {
    QString text =
        QObject::tr("<h3>fusioncoder %1</h3><p>A local assistant for ICD coding built on the Fusion "
                    "model. Notes never leave this computer.</p>"
                    "<p>Licence: GPL-3.0-or-later.</p>")
            .arg(QApplication::applicationVersion().toHtmlEscaped());
    if (session.hasModel()) {
        const LiveModel& live = session.liveModel();
        const ModelInfo& info = live.info;
        QStringList systems;
        for (const std::string& system : info.labelSystems)
            if (!systems.contains(systemShortName(QString::fromStdString(system))))
                systems << systemShortName(QString::fromStdString(system));
        text +=
            QObject::tr("<p><b>Model card</b><br>Name: %1<br>Version: %2<br>Architecture: %3<br>Language: "
                        "%4<br>Labels: %5 (%6)<br>Parameters: %7<br>Vocabulary: %8 words<br>Tuned threshold: "
                        "%9<br>Placeholder (random weights): %10<br>Directory: %11</p>")
                .arg(QString::fromStdString(info.name).toHtmlEscaped(),
                     QString::fromStdString(info.version).toHtmlEscaped(),
                     QString::fromStdString(info.arch).toHtmlEscaped(),
                     QString::fromStdString(info.language).toHtmlEscaped(),
                     formatCount(static_cast<std::int64_t>(info.labels.size())),
                     systems.join(QStringLiteral(", ")), formatCount(info.parameters),
                     formatCount(info.vocabularySize), QString::number(static_cast<double>(info.threshold)))
                .arg(info.placeholder ? QObject::tr("yes") : QObject::tr("no"),
                     QString::fromStdString(info.directory).toHtmlEscaped());
        if (live.versionId != 0)
            text += QObject::tr("<p>Registered model version %1 (Learn → Fine-tune… lists them).</p>")
                        .arg(live.versionId);
        if (info.placeholder)
            text += QStringLiteral("<p><b>%1</b></p>").arg(QString::fromUtf8(placeholderWarning()));
        if (live.catalog) {
            QStringList titles;
            for (const QString& system : live.catalog->systems())
                titles << live.catalog->title(system).toHtmlEscaped();
            text += QObject::tr("<p><b>Code catalogs</b><br>%1</p>").arg(titles.join(QStringLiteral("<br>")));
        }
    } else {
        text += QObject::tr("<p>No model is loaded.</p>");
    }
    if (session.isSaving())
        text += QObject::tr("<p>Decisions are saved in %1.</p>").arg(session.databasePath().toHtmlEscaped());
    else
        text += QObject::tr("<p><b>Decisions are not being saved.</b></p>");
    auto* box = new QMessageBox(QMessageBox::Information, QObject::tr("About fusioncoder"), text,
                                QMessageBox::Ok, parent);
    box->setTextFormat(Qt::RichText);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::NonModal);
    box->show();
    return box;
}

} // namespace fc::ui
