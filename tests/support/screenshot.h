#pragma once
// Widget tests save what they show as PNGs when FC_SCREENSHOT_DIR is set (how docs/screenshots/ is made).
#include <QDir>
#include <QTest>
#include <QWidget>

namespace fc::testing {

inline void saveScreenshot(QWidget& widget, const char* name) {
    const QByteArray dir = qgetenv("FC_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(QString::fromLocal8Bit(dir));
    QVERIFY(widget.grab().save(QDir(QString::fromLocal8Bit(dir)).filePath(QString::fromLatin1(name))));
}

} // namespace fc::testing
