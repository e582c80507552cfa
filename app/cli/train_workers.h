#pragma once
// `fusioncoder-cli train --nproc N`: runs N local training processes (ranks 0..N-1) of one data-parallel run
// on 127.0.0.1 and waits for them (docs/SCALE.md).
#include <QStringList>

namespace fc::cli {

// A free TCP port on 127.0.0.1 (asked of the kernel; free when this returns, not reserved).
int freeLocalPort();

// Starts this executable N times with `trainArguments` (the train command's arguments without --nproc) plus
// --world-size N --rank R --master 127.0.0.1:PORT [--threads T], forwards their output, and returns the
// run's exit code: 0 when every rank succeeded, else the first failing rank's code. When one rank fails the
// others end by themselves (their collectives fail); any still running after `graceSeconds` are killed.
// SIGINT/SIGTERM are passed on as SIGTERM (each rank then stops between batches).
int runLocalWorkers(const QStringList& trainArguments, int processes, int threadsPerProcess,
                    int graceSeconds);

} // namespace fc::cli
