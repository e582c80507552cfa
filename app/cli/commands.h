#pragma once
// Every fusioncoder-cli command; each lives in its own cmd_<name>.cpp.
#include <QStringList>

namespace fc::cli {

int runPredict(const QStringList& arguments);
int runInitModel(const QStringList& arguments);
int runInfo(const QStringList& arguments);
int runBench(const QStringList& arguments);
int runPrepare(const QStringList& arguments);
int runTrain(const QStringList&);
int runEval(const QStringList&);
int runExport(const QStringList& arguments);
int runImportPytorch(const QStringList& arguments);
int runFineTune(const QStringList& arguments);
int runDescriptions(const QStringList& arguments);
int runExamples(const QStringList& arguments);
int runRetrieval(const QStringList& arguments);
int runBaseline(const QStringList& arguments);
int runReviewSim(const QStringList& arguments);
int runConvert(const QStringList& arguments);
int runCombiner(const QStringList& arguments);
int runLexicon(const QStringList& arguments);

} // namespace fc::cli
