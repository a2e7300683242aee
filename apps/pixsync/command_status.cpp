// `pixsync status [--json]`: the health of each sink and route (the engine's health model,
// kept with the state), whether the daemon runs, and what each route has delivered, queued
// and failed. Reads the state without taking the writer lock, so it works while the daemon runs.
#include <cstdio>

#include "app.hpp"
#include "pixsync/error.hpp"
#include "pixsync/host/health_model.hpp"
#include "pixsync/host/pipeline.hpp"
#include "pixsync/host/status_report.hpp"
#include "pixsync/state_location.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::cli {

namespace {

void printText(const StatusReport& report) {
    if (report.daemonPid)
        std::printf("daemon: running (pid %ld)\n", *report.daemonPid);
    else
        std::printf(
            "daemon: not running%s\n",
            report.healthAt ? cat(" (health as of ", isoUtc(*report.healthAt), ")").c_str() : "");
    for (const auto& v : report.sinks) {
        std::string line =
            cat("sink ", v.health.name, ": ", describe(v.health), "; ", v.queued, " queued");
        if (isFailing(v.health.state) && v.queued) line += " (held until it works again)";
        if (v.emptiesAt && v.queued) line += cat(", all sent by about ", isoUtc(*v.emptiesAt));
        if (v.health.lastSuccess) line += cat("; last delivery ", isoUtc(*v.health.lastSuccess));
        std::printf("%s\n", line.c_str());
    }
    for (const auto& r : report.routes) {
        const RouteSummary& s = r.summary;
        std::printf("route %s: %s\n", s.route.c_str(), describe(r.health).c_str());
        std::printf(
            "  favorites %llu, delivered %llu, queued %llu, failed %llu, skipped %llu\n",
            static_cast<unsigned long long>(s.favorites),
            static_cast<unsigned long long>(s.delivered), static_cast<unsigned long long>(s.queued),
            static_cast<unsigned long long>(s.failed), static_cast<unsigned long long>(s.skipped));
        if (s.lastPass)
            std::printf(
                "  last poll %s: %s\n", isoUtc(s.lastPass->finished).c_str(),
                s.lastPass->error.empty()
                    ? cat("ok, ", s.lastPass->listed, " listed, ", s.lastPass->queued, " new")
                          .c_str()
                    : ("FAILED: " + escapeControl(s.lastPass->error)).c_str());
        else
            std::printf("  never polled\n");
        if (r.nextAttempt)
            std::printf("  next delivery attempt %s\n",
                        *r.nextAttempt <= report.at ? "now" : isoUtc(*r.nextAttempt).c_str());
        if (r.emptiesAt)
            std::printf("  its %llu queued sent by about %s\n",
                        static_cast<unsigned long long>(s.queued), isoUtc(*r.emptiesAt).c_str());
        for (const auto& f : s.recentFailures)
            std::printf("  failed: %s to %s: %s\n", escapeControl(f.fileName).c_str(),
                        escapeControl(f.key.destination).c_str(), escapeControl(f.reason).c_str());
        if (!s.recentFailures.empty())
            std::printf("  to send them again: pixsync resend --user %s\n",
                        escapeControl(s.route).c_str());
    }
}

}  // namespace

int runStatus(App& app, bool json) {
    Config config = app.loadConfig();
    app.loadPlugins(config.pluginDirs);
    auto store = openStateStore(config, app.registry, app.log, app.clock, OpenMode::ReadOnly);
    const auto location = StateLocation::of(config.state.options);
    const StatusReport report =
        buildStatusReport(config, *store, loadHealth(*store), app.clock.now(),
                          location ? location->runningDaemon() : std::nullopt);
    if (json)
        std::printf("%s\n", statusJson(report).c_str());
    else
        printText(report);
    return report.ok() ? kExitOk : kExitFailure;
}

}  // namespace pixsync::cli
