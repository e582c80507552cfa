#include "modellocator.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace fc {

QStringList modelSearchPaths() {
    QStringList paths;
    const QString fromEnv = qEnvironmentVariable("FUSIONCODER_MODELS");
    if (!fromEnv.isEmpty())
        paths += fromEnv.split(QLatin1Char(':'), Qt::SkipEmptyParts);
    // An installed copy finds its models relative to the executable first (relocatable packages; a package
    // built on a developer's machine must not prefer that machine's build tree), then the build tree, then
    // the configured prefix.
    if (QCoreApplication::instance())
        paths << QDir(QCoreApplication::applicationDirPath())
                     .absoluteFilePath(QStringLiteral("../share/fusioncoder/models"));
    paths << QStringLiteral(FC_BUILD_MODELS_DIR);
    paths << QStringLiteral(FC_INSTALL_MODELS_DIR);
    paths.removeDuplicates();
    return paths;
}

QString locateModel(const QString& nameOrPath, QString* error) {
    const QFileInfo direct(nameOrPath);
    if (direct.isDir())
        return direct.absoluteFilePath();
    if (nameOrPath.contains(QLatin1Char('/'))) {
        if (error)
            *error = QStringLiteral("model directory not found: %1").arg(nameOrPath);
        return {};
    }
    const QStringList paths = modelSearchPaths();
    for (const QString& base : paths) {
        const QFileInfo candidate(QDir(base).absoluteFilePath(nameOrPath));
        if (candidate.isDir() && QFileInfo::exists(candidate.absoluteFilePath() + QStringLiteral("/model.json")))
            return candidate.absoluteFilePath();
    }
    if (error)
        *error = QStringLiteral("no model named '%1' in %2").arg(nameOrPath, paths.join(QStringLiteral(", ")));
    return {};
}

} // namespace fc
