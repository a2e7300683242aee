// `pixsync once [--dry-run]`: one pass over every route, then exit.
#include <cstdio>

#include "app.hpp"
#include "pixsync/error.hpp"
#include "pixsync/host/pipeline.hpp"
#include "pixsync/util/strings.hpp"
#include "progress.hpp"
#include "thumbnails.hpp"

namespace pixsync::cli {

int runOnce(App& app, bool dryRun) {
    Config config = app.loadConfig();
    app.loadPlugins(config.pluginDirs);
    if (!dryRun) app.openLogFile(config);
    // A dry run reads the state without locking or writing it.
    // What is delivered now shows on a daemon's status page later.
    const auto thumbnails = dryRun ? nullptr : openThumbnails(config, app.log);
    Pipeline pipeline(config, app.registry, app.log, app.clock,
                      dryRun ? OpenMode::ReadOnly : OpenMode::ReadWrite, thumbnails.get());
    Engine& engine = pipeline.engine();
    bool unavailable = false;
    std::uint64_t planned = 0;
    for (const auto& report : engine.pollAll(dryRun)) {
        if (!report.ok) unavailable = true;
        planned += report.queued;
        if (dryRun) {
            for (const auto& p : report.planned)
                std::printf("would send %s (%s) to %s\n", escapeControl(p.asset.fileName).c_str(),
                            escapeControl(p.asset.id).c_str(),
                            escapeControl(p.destination).c_str());
        }
    }
    if (dryRun) {
        std::printf("dry run: %llu deliveries would be queued; nothing was sent or recorded\n",
                    static_cast<unsigned long long>(planned));
        return unavailable ? kExitFailure : kExitOk;
    }
    // The queue's size is the most this pass can send: the bar's total.
    std::vector<std::string> ids;
    for (const auto& r : config.routes) ids.push_back(r.id);
    std::uint64_t queued = 0;
    for (const auto& s : pipeline.store().summarize(ids)) queued += s.queued;
    Progress progress(app.log, app.terminal, "delivering");
    auto report = engine.deliverDue(UINT64_MAX, nullptr, [&](std::uint64_t done, std::uint64_t) {
        progress.update(done, queued);
    });
    progress.finish();
    app.log.info(cat("pass complete: ", report.delivered, " delivered, ", report.retrying,
                     " to retry, ", report.failed, " failed, ", report.held,
                     " held (their sink or source is failing), ", report.waiting,
                     " waiting (quota, rate limit or a failing sink or source)"));
    // Deliveries that wait for a quota or a limit are fine; a sink or route still failing or
    // held at the end of the pass is not, even when another one delivered (the same rule as
    // `status`); one that recovered within the pass was only a hiccup.
    if (!engine.health().ok()) unavailable = true;
    return unavailable ? kExitFailure : kExitOk;
}

}  // namespace pixsync::cli
