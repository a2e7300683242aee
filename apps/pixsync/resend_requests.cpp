#include "resend_requests.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>

#include "pixsync/error.hpp"
#include "pixsync/host/engine.hpp"
#include "pixsync/util/private_file.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::cli {

namespace fs = std::filesystem;

void requestResend(const StateLocation& state, const std::string& pid,
                   const std::vector<std::string>& routes) {
    std::string daemonPid;
    std::ifstream(state.daemonMarker()) >> daemonPid;
    if (daemonPid != pid)
        throw Error(ErrorKind::Locked,
                    cat(state.file().string(), " is in use by another pixsync (pid ", pid,
                        "); try again when it has finished"));
    {
        std::string lines;
        for (const auto& r : routes) lines += r + '\n';
        const int fd = openPrivateFile(state.resendRequests(), O_WRONLY | O_APPEND);
        const bool written = fd >= 0 && ::write(fd, lines.data(), lines.size()) ==
                                            static_cast<ssize_t>(lines.size());
        if (fd >= 0) ::close(fd);
        if (!written)
            throw Error(ErrorKind::Unavailable, "cannot write " + state.resendRequests().string());
    }
    int n = 0;
    for (char c : pid) n = (c >= '0' && c <= '9') ? n * 10 + (c - '0') : -1;
    if (n <= 0 || ::kill(n, SIGUSR1) != 0)
        throw Error(ErrorKind::Unavailable,
                    cat("cannot signal the pixsync holding ", state.file().string(), " (pid ", pid,
                        "); the request stays in ", state.resendRequests().string(),
                        " and is carried out when pixsync next starts"));
}

void processResendRequests(const StateLocation& state, Engine& engine, const Logger& log) {
    // Claimed by a rename, so a request appended meanwhile waits for the next round.
    fs::path claimed = state.resendRequests().string() + ".processing";
    std::error_code ec;
    fs::rename(state.resendRequests(), claimed, ec);
    if (ec) return;
    std::vector<std::string> routes;
    {
        std::ifstream in(claimed);
        for (std::string line; std::getline(in, line);)
            if (!trim(line).empty()) routes.push_back(trim(line));
    }
    fs::remove(claimed, ec);
    for (const auto& id : routes) {
        for (const auto& route : engine.routes()) {
            if (id != "*" && id != route.id) continue;
            try {
                engine.resend(route, [&](std::uint64_t done, std::uint64_t total) {
                    if (done == total || done % 1000 == 0)
                        log.info(cat(route.id, ": resend: queued ", done, " of ", total));
                });
            } catch (const Error& e) {
                log.error(cat(route.id, ": resend failed: ", e.what()));
            }
        }
        if (id != "*" && !engine.findRoute(id))
            log.warning(cat("resend request for unknown route '", id, "' ignored"));
    }
}

}  // namespace pixsync::cli
