#pragma once
// Files beside the state that commands share with a running daemon. Every state plugin keeps
// its data at the option `path` and its writer lock at `<path>.lock` (holding the pid).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pixsync/config.hpp"
#include "pixsync/log.hpp"

namespace pixsync {
class Engine;
}

namespace pixsync::cli {

/// The configured state's file.
std::filesystem::path statePath(const Config& config);

/// The pid of the pixsync holding the state's writer lock, if one does.
std::optional<std::string> lockHolder(const std::filesystem::path& state);

/// Where a running daemon announces its pid (only daemons take requests).
std::filesystem::path daemonMarker(const std::filesystem::path& state);

/// The pid of the daemon running on this state, if one is.
std::optional<long> runningDaemon(const std::filesystem::path& state);

/// Asks the daemon holding the state to re-queue these routes ("*" for all): the request is
/// appended to `<state>.resend` and the daemon is woken with SIGUSR1. Throws Error(Locked)
/// when the holder is not a daemon (a one-off command: try again when it has finished).
void requestResend(const std::filesystem::path& state, const std::string& pid,
                   const std::vector<std::string>& routes);

/// Carries out requests left by requestResend() (the daemon does this when woken and at start).
void processResendRequests(const std::filesystem::path& state, Engine& engine, const Logger& log);

}  // namespace pixsync::cli
