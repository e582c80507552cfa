// bin/fusioncoder and bin/fusioncoder-cli: launchers of a few kilobytes that set up the process environment
// (process_policy.h: OMP_WAIT_POLICY, the OpenBLAS core override) and then execute the engine executable of
// the same name in libexec/. The engine would otherwise re-execute itself to get that environment, since
// libgomp and OpenBLAS read it when they are loaded; with LibTorch that load is 0.4-0.5 s, paid twice.
// The engine still checks an override's sgemm before trusting it (process_tuning.h), and still works when
// started directly. FC_NO_PROCESS_TUNING=1 leaves the environment alone here too.
#include "process_policy.h"

#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

// OpenBLAS's own core choice, as the engine's BLAS (Debian's libblas.so.3 alternative) would make it; "" when
// that BLAS is not OpenBLAS or cannot be loaded (the engine then decides for itself).
std::string openblasCore() {
    void* blas = dlopen("libblas.so.3", RTLD_LAZY | RTLD_LOCAL);
    if (blas == nullptr)
        return {};
    using CoreName = char* (*)();
    const auto name = reinterpret_cast<CoreName>(dlsym(blas, "openblas_get_corename"));
    const char* core = name ? name() : nullptr;
    return core ? core : ""; // not dlclose()d: the process is replaced next
}

// <directory of this executable>/FC_ENGINE_FROM_BIN/<its file name>; FC_ENGINE_FROM_BIN is the install
// layout's libexec relative to bin ("../libexec"), which the build tree mirrors (app/exe, app/libexec).
std::string enginePath(const char* argv0) {
    char self[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    std::string path = n > 0 ? std::string(self, static_cast<std::size_t>(n)) : std::string(argv0);
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    return dir + "/" FC_ENGINE_FROM_BIN "/" + name;
}

} // namespace

int main(int, char** argv) {
    const char* optOut = std::getenv("FC_NO_PROCESS_TUNING");
    if (optOut == nullptr || std::strcmp(optOut, "1") != 0) {
        fc::setTunedEnvironment(openblasCore());
        setenv(fc::kTunedMarker, "launcher", 1);
    }
    const std::string engine = enginePath(argv[0]);
    execv(engine.c_str(), argv);
    std::fprintf(stderr, "fusioncoder: cannot start %s: %s\n", engine.c_str(), std::strerror(errno));
    return 127;
}
