#pragma once
// The daemon's poll interval, with the one override tests have.

#include <optional>

#include "pixsync/clock.hpp"
#include "pixsync/host/config.hpp"
#include "pixsync/log.hpp"

namespace pixsync::cli {

/// The poll interval tests ask for instead of the configuration's (10 s at least), so that
/// tests of several polls do not wait out that floor each time: PIXSYNC_TEST_POLL_INTERVAL_MS
/// (100 to 60000) in the process environment. Only a build configured with
/// -DPIXSYNC_TEST_HOOKS=ON (the default while the tests are built) honours it; other builds
/// log a warning and return nothing. Throws Error(Config) for a malformed value.
std::optional<Duration> testPollInterval(const Environment& environment, const Logger& log);

}  // namespace pixsync::cli
