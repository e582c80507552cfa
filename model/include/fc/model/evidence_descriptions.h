#pragma once
// Code descriptions in the notes' own words, from gold evidence spans (CodiEsp-X): for languages the shipped
// catalogs do not speak (their titles are English), the words coders marked as the evidence of a code are the
// best description of it there is. Used like catalog titles: label-row initialisation and the description
// match (train --descriptions, retrieval --descriptions).
//
// Per document and code, the code's evidence fragments (lower-cased, in text order, duplicates dropped)
// joined by spaces make one mention; a discontiguous mention ("cáncer ... mama") thus stays one. A code's
// description is its most frequent mention over the documents (ties: the one seen first).
#include "fc/model/dataset.h"

#include <map>
#include <string>
#include <vector>

namespace fc {

std::map<std::string, std::string> evidenceDescriptions(const std::vector<Document>& documents);

} // namespace fc
