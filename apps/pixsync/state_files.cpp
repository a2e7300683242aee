#include "state_files.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "pixsync/engine.hpp"
#include "pixsync/error.hpp"
#include "pixsync/private_file.hpp"
#include "pixsync/strings.hpp"

namespace pixsync::cli {

namespace fs = std::filesystem;

namespace {
fs::path requestFile(const fs::path& state) { return state.string() + ".resend"; }
}  // namespace

fs::path statePath(const Config& config) {
    fs::path p = config.state.options.path("path");
    if (p.empty()) throw configError(config.state.options.where("path") + " is missing");
    return p;
}

std::optional<std::string> lockHolder(const fs::path& state) {
    fs::path lock = state.string() + ".lock";
    int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0;
    ::close(fd);
    if (!held) return std::nullopt;
    std::ifstream in(lock);
    std::string pid;
    in >> pid;
    return pid;
}

fs::path daemonMarker(const fs::path& state) { return state.string() + ".daemon"; }

std::optional<long> runningDaemon(const fs::path& state) {
    long pid = 0;
    std::ifstream(daemonMarker(state)) >> pid;
    // A marker left by a daemon that was killed names a process that is gone.
    if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM))
        return std::nullopt;
    return pid;
}

void requestResend(const fs::path& state, const std::string& pid,
                   const std::vector<std::string>& routes) {
    std::string daemonPid;
    std::ifstream(daemonMarker(state)) >> daemonPid;
    if (daemonPid != pid)
        throw Error(ErrorKind::Locked, cat(state.string(), " is in use by another pixsync (pid ",
                                           pid, "); try again when it has finished"));
    {
        std::string lines;
        for (const auto& r : routes) lines += r + '\n';
        const int fd = openPrivateFile(requestFile(state), O_WRONLY | O_APPEND);
        const bool written = fd >= 0 && ::write(fd, lines.data(), lines.size()) ==
                                            static_cast<ssize_t>(lines.size());
        if (fd >= 0) ::close(fd);
        if (!written)
            throw Error(ErrorKind::Unavailable, "cannot write " + requestFile(state).string());
    }
    int n = 0;
    for (char c : pid) n = (c >= '0' && c <= '9') ? n * 10 + (c - '0') : -1;
    if (n <= 0 || ::kill(n, SIGUSR1) != 0)
        throw Error(ErrorKind::Unavailable,
                    cat("cannot signal the pixsync holding ", state.string(), " (pid ", pid,
                        "); the request stays in ", requestFile(state).string(),
                        " and is carried out when pixsync next starts"));
}

void processResendRequests(const fs::path& state, Engine& engine, const Logger& log) {
    // Claimed by a rename, so a request appended meanwhile waits for the next round.
    fs::path claimed = requestFile(state).string() + ".processing";
    std::error_code ec;
    fs::rename(requestFile(state), claimed, ec);
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
