#pragma once
// The most recently opened notes and worklist folders, newest first, kept in QSettings under
// "recent/files" (at most kMax entries; missing files are dropped when listed).
// Threading: UI thread only.
#include <QObject>
#include <QStringList>

namespace fc::ui {

class RecentFiles : public QObject {
    Q_OBJECT
public:
    static constexpr int kMax = 10;
    explicit RecentFiles(QObject* parent = nullptr);

    void add(const QString& path);
    QStringList paths() const; // existing files/folders only, newest first
    void clear();

Q_SIGNALS:
    void changed();
};

} // namespace fc::ui
