// `pixsync resend (--user EMAIL | --all-users)`: queue every current favorite of those routes
// again (after a frame was reset). The daemon, running or started later, sends them.
#include <cstdio>

#include "app.hpp"
#include "pixsync/error.hpp"
#include "pixsync/host/pipeline.hpp"
#include "pixsync/util/strings.hpp"
#include "progress.hpp"
#include "resend_requests.hpp"

namespace pixsync::cli {

int runResend(App& app, const std::string& user, bool allUsers) {
    if (user.empty() == !allUsers)
        throw usageError("resend needs exactly one of --user EMAIL or --all-users");
    Config config = app.loadConfig();
    app.loadPlugins(config.pluginDirs);
    // A running daemon holds the state: it is asked to do the re-queuing itself.
    const auto location = StateLocation::of(config.state.options);
    if (auto pid = location ? location->lockHolder() : std::nullopt) {
        bool known = allUsers;
        for (const auto& r : config.routes) known = known || r.id == user;
        if (!known) throw usageError(cat("no route for '", user, "'"));
        requestResend(*location, *pid, {allUsers ? std::string("*") : user});
        std::printf(
            "asked the running pixsync (pid %s) to queue them again; it sends them within the "
            "rate limits (see its log and `pixsync status`)\n",
            pid->c_str());
        return kExitOk;
    }
    app.openLogFile(config);
    Pipeline pipeline(config, app.registry, app.log, app.clock);
    Engine& engine = pipeline.engine();
    std::vector<const Route*> routes;
    if (allUsers) {
        for (const auto& r : engine.routes()) routes.push_back(&r);
    } else {
        const Route* r = engine.findRoute(user);
        if (!r) {
            std::vector<std::string> ids;
            for (const auto& x : engine.routes()) ids.push_back(x.id);
            throw usageError(cat("no route for '", user, "' (configured: ", join(ids, ", "), ")"));
        }
        routes.push_back(r);
    }
    std::uint64_t total = 0;
    for (const Route* r : routes) {
        Progress progress(app.log, app.terminal, "queuing " + r->id);
        total += engine.resend(
            *r, [&](std::uint64_t done, std::uint64_t all) { progress.update(done, all); });
        progress.finish();
    }
    std::printf(
        "%llu deliveries queued; the daemon sends them within the rate limits "
        "(start it with ./run.sh or `pixsync run`)\n",
        static_cast<unsigned long long>(total));
    return kExitOk;
}

}  // namespace pixsync::cli
