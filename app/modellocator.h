#pragma once
// Resolves a model argument: a directory, or the name of a shipped/installed model ("default").
// Search order for names: $FUSIONCODER_MODELS, the build tree's resources/models, <prefix>/share/fusioncoder/models.
#include <QString>
#include <QStringList>

namespace fc {

QStringList modelSearchPaths();
// Returns the model directory, or an empty string with *error set to a one-line reason.
QString locateModel(const QString& nameOrPath, QString* error);

} // namespace fc
