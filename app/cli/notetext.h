#pragma once
// Turning raw file bytes into note text for the CLI: strict UTF-8 (BOM stripped); binary and invalid
// input are bad input with the byte offset named.
#include "fc/model/engine.h"

#include <QByteArray>
#include <QString>

#include <string>
#include <unordered_map>

namespace fc::cli {

std::string decodeNoteOrThrow(const QByteArray& bytes, const QString& source);
// Code -> code system ("icd-10-cm", ...) for every label of this model.
std::unordered_map<std::string, std::string> systemsByCode(const ModelInfo& info);

} // namespace fc::cli
