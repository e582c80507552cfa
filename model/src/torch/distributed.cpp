// c10d rendezvous and collectives for data-parallel training (see distributed.h and docs/SCALE.md).
#include "torch/distributed.h"

#include "fc/model/errors.h"

#ifdef FC_HAVE_C10D_GLOO
// Debian's libtorch-dev ships c10d's headers with their Gloo parts behind this macro (torch_cpu itself is
// built with it); the Gloo headers come from libgloo-dev.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace fc::trainer {

namespace {

class LocalCollective final : public Collective {
public:
    int rank() const override { return 0; }
    int worldSize() const override { return 1; }
    void sum(torch::Tensor&, const char*) override {}
    void broadcastFromMaster(torch::Tensor&, const char*) override {}
};

#ifdef FC_HAVE_C10D_GLOO

// The first line of an exception's message, without LibTorch's C++ backtrace.
std::string firstLine(const std::exception& error) {
    const auto* c10Error = dynamic_cast<const c10::Error*>(&error);
    std::string text = c10Error != nullptr ? c10Error->what_without_backtrace() : error.what();
    const auto end = text.find('\n');
    if (end != std::string::npos)
        text.resize(end);
    return text;
}

std::string where(const DistributedOptions& o) {
    return o.masterHost + ":" + std::to_string(o.masterPort);
}

std::string rankName(const DistributedOptions& o) {
    return "rank " + std::to_string(o.rank) + " of " + std::to_string(o.worldSize);
}

bool isLoopback(const std::string& host) {
    return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

c10::intrusive_ptr<c10d::TCPStore> openStore(const DistributedOptions& o) {
    c10d::TCPStoreOptions storeOptions;
    storeOptions.port = static_cast<std::uint16_t>(o.masterPort);
    storeOptions.isServer = o.rank == 0;
    storeOptions.numWorkers = o.worldSize;
    storeOptions.waitWorkers = false; // joining is checked below, with messages that say who is missing
    storeOptions.timeout = std::chrono::seconds(o.timeoutSeconds);
    try {
        return c10::make_intrusive<c10d::TCPStore>(o.masterHost, storeOptions);
    } catch (const std::exception& error) {
        if (o.rank == 0)
            throw InputError(
                rankName(o) + ": cannot listen on port " + std::to_string(o.masterPort) +
                " for the other ranks (is the port in use? pick another --master port): " + firstLine(error));
        throw InputError(rankName(o) + ": cannot reach the master (rank 0) at " + where(o) + " within " +
                         std::to_string(o.timeoutSeconds) +
                         " s (is rank 0 running, and is the port open?): " + firstLine(error));
    }
}

// Every rank announces its world size under its rank; each then reads every other rank's announcement.
void checkMembers(c10d::Store& store, const DistributedOptions& o) {
    const std::string prefix = "fusioncoder/";
    const auto bytes = [](const std::string& s) { return std::vector<std::uint8_t>(s.begin(), s.end()); };
    try {
        if (store.add(prefix + "claimed/" + std::to_string(o.rank), 1) > 1)
            throw InputError(rankName(o) + ": rank " + std::to_string(o.rank) +
                             " was started twice (give every process its own --rank)");
        store.set(prefix + "world/" + std::to_string(o.rank), bytes(std::to_string(o.worldSize)));
    } catch (const InputError&) {
        throw;
    } catch (const std::exception& error) {
        throw InputError(rankName(o) + ": the master at " + where(o) +
                         " stopped answering: " + firstLine(error));
    }
    for (int peer = 0; peer < o.worldSize; ++peer) {
        if (peer == o.rank)
            continue;
        const std::string key = prefix + "world/" + std::to_string(peer);
        std::vector<std::uint8_t> value;
        try {
            store.wait({key}, std::chrono::seconds(o.timeoutSeconds));
            value = store.get(key);
        } catch (const std::exception& error) {
            if (o.rank != 0 && std::string(error.what()).find("imeout") == std::string::npos &&
                std::string(error.what()).find("imed out") == std::string::npos)
                throw InputError(rankName(o) + ": the master (rank 0) at " + where(o) +
                                 " closed the connection while the ranks joined (see rank 0's message: a "
                                 "different --world-size, a rank started twice, or rank 0 stopped): " +
                                 firstLine(error));
            throw InputError(
                rankName(o) + ": rank " + std::to_string(peer) + " did not join within " +
                std::to_string(o.timeoutSeconds) + " s (start all " + std::to_string(o.worldSize) +
                " processes with the same --world-size and --master " + where(o) + "): " + firstLine(error));
        }
        const std::string theirs(value.begin(), value.end());
        if (theirs != std::to_string(o.worldSize)) {
            // Rank 0's store dies with it: linger so that the other ranks can read its world size too and
            // report the mismatch themselves, rather than a closed connection.
            if (o.rank == 0)
                std::this_thread::sleep_for(std::chrono::seconds(2));
            throw InputError(rankName(o) + ": rank " + std::to_string(peer) +
                             " was started with --world-size " + theirs + ", this rank with " +
                             std::to_string(o.worldSize) + " (every process needs the same world size)");
        }
    }
}

std::shared_ptr<::gloo::transport::Device> glooDevice(const DistributedOptions& o) {
    // GLOO_SOCKET_IFNAME names the interface (as in PyTorch); on one machine loopback; otherwise the address
    // this host's name resolves to.
    if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME"); interface != nullptr && *interface != 0)
        return c10d::ProcessGroupGloo::createDeviceForInterface(interface);
    if (isLoopback(o.masterHost))
        return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
    return c10d::ProcessGroupGloo::createDefaultDevice();
}

class GlooCollective final : public Collective {
public:
    explicit GlooCollective(const DistributedOptions& options) : m_options(options) {
        // A peer that disappears must surface as an error on a socket, not as SIGPIPE killing this rank.
        std::signal(SIGPIPE, SIG_IGN);
        m_store = openStore(options);
        checkMembers(*m_store, options);
        try {
            auto glooOptions =
                c10d::ProcessGroupGloo::Options::create(std::chrono::seconds(options.timeoutSeconds));
            glooOptions->devices.push_back(glooDevice(options));
            m_group = c10::make_intrusive<c10d::ProcessGroupGloo>(m_store, options.rank, options.worldSize,
                                                                  glooOptions);
        } catch (const std::exception& error) {
            throw InputError(rankName(options) + ": Gloo could not connect the ranks within " +
                             std::to_string(options.timeoutSeconds) + " s: " + firstLine(error));
        }
    }

    int rank() const override { return m_options.rank; }
    int worldSize() const override { return m_options.worldSize; }

    void sum(torch::Tensor& values, const char* what) override {
        std::vector<at::Tensor> tensors{values};
        run([&] { m_group->allreduce(tensors)->wait(); }, what);
    }

    void broadcastFromMaster(torch::Tensor& values, const char* what) override {
        std::vector<at::Tensor> tensors{values};
        c10d::BroadcastOptions options;
        options.rootRank = 0;
        run([&] { m_group->broadcast(tensors, options)->wait(); }, what);
    }

private:
    template <typename Operation> void run(const Operation& operation, const char* what) {
        try {
            operation();
        } catch (const std::exception& error) {
            throw PeerLost(rankName(m_options) + ": lost contact with the other ranks during the " + what +
                           " (a worker stopped, the network failed, or a rank was silent for more than " +
                           std::to_string(m_options.timeoutSeconds) + " s): " + firstLine(error));
        }
    }

    DistributedOptions m_options;
    c10::intrusive_ptr<c10d::TCPStore> m_store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> m_group;
};

#endif

} // namespace

std::unique_ptr<Collective> localCollective() {
    return std::make_unique<LocalCollective>();
}

bool distributedTrainingAvailable() {
#ifdef FC_HAVE_C10D_GLOO
    return true;
#else
    return false;
#endif
}

std::unique_ptr<Collective> connectCollective(const DistributedOptions& options) {
    if (options.worldSize < 1 || options.rank < 0 || options.rank >= options.worldSize)
        throw InputError("rank " + std::to_string(options.rank) + " is outside a world of " +
                         std::to_string(options.worldSize) + " processes (ranks are 0.." +
                         std::to_string(options.worldSize - 1) + ")");
    if (options.worldSize == 1)
        return localCollective();
    if (options.masterPort < 1 || options.masterPort > 65535)
        throw InputError("the master port must be in 1..65535");
    if (options.timeoutSeconds < 1)
        throw InputError("the distributed timeout must be >= 1 s");
#ifdef FC_HAVE_C10D_GLOO
    return std::make_unique<GlooCollective>(options);
#else
    throw InputError("this build has no distributed training: it was compiled without Gloo's headers "
                     "(install libgloo-dev and rebuild)");
#endif
}

} // namespace fc::trainer
