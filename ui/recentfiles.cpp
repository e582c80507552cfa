#include "recentfiles.h"

#include <QFileInfo>
#include <QSettings>

namespace fc::ui {

namespace {
const QString kKey = QStringLiteral("recent/files");
}

RecentFiles::RecentFiles(QObject* parent) : QObject(parent) {}

void RecentFiles::add(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QSettings settings;
    QStringList paths = settings.value(kKey).toStringList();
    paths.removeAll(absolute);
    paths.prepend(absolute);
    while (paths.size() > kMax)
        paths.removeLast();
    settings.setValue(kKey, paths);
    Q_EMIT changed();
}

QStringList RecentFiles::paths() const {
    QStringList existing;
    for (const QString& path : QSettings().value(kKey).toStringList())
        if (QFileInfo::exists(path))
            existing << path;
    return existing;
}

void RecentFiles::clear() {
    QSettings().remove(kKey);
    Q_EMIT changed();
}

} // namespace fc::ui
