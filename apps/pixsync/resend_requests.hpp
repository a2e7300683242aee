#pragma once
// `pixsync resend` beside a running daemon: the request is left in the state's `.resend` file
// (StateLocation::resendRequests) and the daemon is woken with SIGUSR1 to carry it out.

#include <string>
#include <vector>

#include "pixsync/log.hpp"
#include "pixsync/state_location.hpp"

namespace pixsync {
class Engine;
}

namespace pixsync::cli {

/// Asks the daemon holding the state to re-queue these routes ("*" for all). Throws
/// Error(Locked) when the holder is not a daemon (a one-off command: try again when it has
/// finished).
void requestResend(const StateLocation& state, const std::string& pid,
                   const std::vector<std::string>& routes);

/// Carries out requests left by requestResend() (the daemon does this when woken and at start).
void processResendRequests(const StateLocation& state, Engine& engine, const Logger& log);

}  // namespace pixsync::cli
