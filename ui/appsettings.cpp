#include "appsettings.h"

#include <QApplication>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace fc::ui {

AppSettings AppSettings::load() {
    QSettings s;
    AppSettings a;
    a.model = s.value(QStringLiteral("model/name")).toString();
    a.threshold = s.value(QStringLiteral("model/threshold"), -1.0).toDouble();
    a.uncertainBand = s.value(QStringLiteral("model/uncertainBand"), 0.1).toDouble();
    a.threads = s.value(QStringLiteral("model/threads"), 0).toInt();
    a.fast = s.value(QStringLiteral("model/fast"), false).toBool();
    a.databasePath = s.value(QStringLiteral("storage/database")).toString();
    a.fontSize = s.value(QStringLiteral("appearance/fontSize"), 0).toInt();
    a.dark = s.value(QStringLiteral("appearance/dark"), false).toBool();
    return a;
}

void AppSettings::save() const {
    QSettings s;
    s.setValue(QStringLiteral("model/name"), model);
    s.setValue(QStringLiteral("model/threshold"), threshold);
    s.setValue(QStringLiteral("model/uncertainBand"), uncertainBand);
    s.setValue(QStringLiteral("model/threads"), threads);
    s.setValue(QStringLiteral("model/fast"), fast);
    s.setValue(QStringLiteral("storage/database"), databasePath);
    s.setValue(QStringLiteral("appearance/fontSize"), fontSize);
    s.setValue(QStringLiteral("appearance/dark"), dark);
}

bool AppSettings::operator==(const AppSettings& o) const {
    return model == o.model && threshold == o.threshold && uncertainBand == o.uncertainBand &&
           threads == o.threads && fast == o.fast && databasePath == o.databasePath &&
           fontSize == o.fontSize && dark == o.dark;
}

void applyPalette(bool dark) {
    if (!dark) {
        QApplication::setPalette(QApplication::style()->standardPalette());
        return;
    }
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p;
    const QColor window(45, 45, 48), base(30, 30, 32), text(230, 230, 230), disabled(128, 128, 128);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Highlight, QColor(61, 142, 201));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(110, 170, 230));
    p.setColor(QPalette::Mid, QColor(90, 90, 95));
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Disabled, QPalette::Text, disabled);
    p.setColor(QPalette::Disabled, QPalette::WindowText, disabled);
    p.setColor(QPalette::Disabled, QPalette::ButtonText, disabled);
    QApplication::setPalette(p);
}

} // namespace fc::ui
