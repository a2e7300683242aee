// `pixsync check`: configuration, plugins, each source and sink, and the state store, one line
// per check, without sending anything.
#include <cstdio>

#include "app.hpp"
#include "pixsync/error.hpp"
#include "pixsync/pipeline.hpp"
#include "pixsync/strings.hpp"

namespace pixsync::cli {

namespace {

void print(const CheckResult& r) {
    const char* mark = r.status == CheckResult::Status::Passed   ? "ok  "
                       : r.status == CheckResult::Status::Notice ? "note"
                                                                 : "FAIL";
    std::printf("[%s] %s: %s\n", mark, escapeControl(r.subject).c_str(), escapeControl(r.detail).c_str());
    if (!r.fix.empty()) std::printf("       fix: %s\n", escapeControl(r.fix).c_str());
}

}  // namespace

int runCheck(App& app) {
    CheckReport report;
    Config config;
    try {
        config = app.loadConfig();
        report.pass("configuration", cat(config.origin, ": ", config.routes.size(), " routes"));
    } catch (const Error& e) {
        report.fail("configuration", e.what(), "correct the file named above");
        for (const auto& r : report.results()) print(r);
        return exitCodeFor(e.kind());
    }
    app.loadPlugins(config.pluginDirs);
    std::unique_ptr<Pipeline> pipeline;
    try {
        pipeline = std::make_unique<Pipeline>(config, app.registry, app.log, app.clock, std::nullopt);
        report.pass("plugins", "every source and sink was created");
    } catch (const Error& e) {
        // A plugin refusing its options is a configuration mistake (exit 2), like one the
        // loader finds: the message names the file and key to correct.
        if (e.kind() == ErrorKind::Config) {
            report.fail("configuration", e.what(), "correct the file named above");
            for (const auto& r : report.results()) print(r);
            return exitCodeFor(e.kind());
        }
        report.fail("plugins", e.what(), "see `pixsync plugins` and the configuration reference in the README");
    }
    if (pipeline) pipeline->check(report);
    try {
        auto store = openStateStore(config, app.registry, app.log, app.clock, OpenMode::ReadWrite);
        report.pass("state", cat(config.state.plugin, " store opens and its lock is free"));
    } catch (const Error& e) {
        report.fail("state", e.what(),
                    e.kind() == ErrorKind::Locked ? "another pixsync runs on this state; that is fine while the daemon runs"
                                                  : "see the message; `pixsync state --help` lists recovery commands");
    }
    for (const auto& r : report.results()) print(r);
    std::printf("%s\n", report.ok() ? "all checks passed" : "some checks failed");
    return report.ok() ? kExitOk : kExitFailure;
}

}  // namespace pixsync::cli
