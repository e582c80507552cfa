#pragma once
// The communication of data-parallel training (internal to fc::model; docs/SCALE.md): LibTorch's c10d engine,
// a TCPStore hosted by rank 0 for the rendezvous and a ProcessGroupGloo for the collectives. With one process
// (worldSize 1) every operation is a no-op and nothing is opened, so single-process training never touches
// the network.
#include "fc/model/training.h"

#include <torch/types.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace fc::trainer {

// A peer was lost in the middle of the run (a worker stopped, the network failed, or a collective timed
// out). The message names this rank and the step.
class PeerLost : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Collective {
public:
    virtual ~Collective() = default;
    virtual int rank() const = 0;
    virtual int worldSize() const = 0;
    bool isMaster() const { return rank() == 0; }

    // Element-wise sum over every rank, in place, on a contiguous float tensor. `what` names the step in
    // the PeerLost raised when a peer is lost.
    virtual void sum(torch::Tensor& values, const char* what) = 0;
    // Copies rank 0's tensor into every rank's (in place).
    virtual void broadcastFromMaster(torch::Tensor& values, const char* what) = 0;
};

// One process: rank 0 of 1.
std::unique_ptr<Collective> localCollective();

// Joins the run described by `options` (worldSize > 1): rank 0 listens on masterPort, every rank connects to
// masterHost:masterPort, the ranks check that they agree on the world size and that no rank is started
// twice, then Gloo connects every pair. Every wait is bounded by options.timeoutSeconds.
// Throws InputError (exit code 2 in the CLI) with one clear line: port in use, master unreachable, world
// sizes that differ, a rank that never joined, or a build without c10d/Gloo.
std::unique_ptr<Collective> connectCollective(const DistributedOptions& options);

// True when this build can run with worldSize > 1 (compiled against Gloo's headers).
bool distributedTrainingAvailable();

} // namespace fc::trainer
