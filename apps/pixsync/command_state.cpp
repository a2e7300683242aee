// `pixsync state reset --i-know` and `pixsync state baseline`: the two ways out of a state that
// cannot be read (besides restoring a backup). Neither ever deletes anything: a reset moves
// the files aside.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <fstream>

#include "app.hpp"
#include "pixsync/error.hpp"
#include "pixsync/host/pipeline.hpp"
#include "pixsync/state_location.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::cli {

namespace fs = std::filesystem;

namespace {

/// Refuses when a pixsync holds the state, naming its pid.
void requireUnlocked(const StateLocation& state) {
    if (auto pid = state.lockHolder())
        throw Error(ErrorKind::Locked,
                    cat(state.file().string(), " is in use by another pixsync (pid ", *pid,
                        "); stop it first (./stop.sh)"));
}

std::string stamp() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
    return buf;
}

}  // namespace

int runStateReset(App& app, bool iKnow) {
    if (!iKnow)
        throw usageError(
            "state reset starts over: every current favorite will be sent again. "
            "Add --i-know to confirm (the old state is moved aside, not deleted)");
    Config config = app.loadConfig();
    const auto location = StateLocation::of(config.state.options);
    if (!location)
        throw usageError(cat("the ", config.state.plugin,
                             " state store keeps no file pixsync can move aside (it has no `",
                             kStatePathOption, "` option); start over with its own means"));
    const fs::path& state = location->file();
    requireUnlocked(*location);
    const std::string suffix = ".reset-" + stamp();
    const auto files = location->storeFiles();
    // The data file first, then its companions (`-wal`, ...), each keeping its own suffix.
    for (const fs::path& from : files) {
        const fs::path to = state.string() + suffix + from.string().substr(state.string().size());
        std::error_code ec;
        fs::rename(from, to, ec);
        if (ec) throw stateError(cat("cannot move ", from.string(), " aside: ", ec.message()));
        std::printf("moved %s to %s\n", from.c_str(), to.c_str());
    }
    if (files.empty()) std::printf("%s does not exist; nothing to reset\n", state.c_str());
    std::printf(
        "the next pass starts from an empty state%s\n",
        app.originalFrontDoor ? " (the original service's state file is imported again)" : "");
    return kExitOk;
}

int runStateBaseline(App& app) {
    Config config = app.loadConfig();
    const auto location = StateLocation::of(config.state.options);
    std::error_code ec;
    if (location && fs::exists(location->file(), ec))
        throw usageError(cat(location->file().string(),
                             " exists; a baseline starts a new state. Move the old one "
                             "aside first (`pixsync state reset --i-know` does that)"));
    app.loadPlugins(config.pluginDirs);
    config.engine.startFromNow = true;
    Pipeline pipeline(config, app.registry, app.log, app.clock);
    std::uint64_t recorded = 0;
    bool ok = true;
    for (const auto& r : pipeline.engine().pollAll()) {
        recorded += r.skipped;
        if (!r.ok) {
            ok = false;
            std::fprintf(stderr, "%s: %s\n", r.route.c_str(), r.error.c_str());
        }
    }
    std::printf(
        "recorded %llu current favorites as already sent; only new favorites will be sent\n",
        static_cast<unsigned long long>(recorded));
    return ok ? kExitOk : kExitFailure;
}

}  // namespace pixsync::cli
