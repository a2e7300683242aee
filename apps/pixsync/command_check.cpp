// `pixsync check`: configuration, plugins, each source and sink, and the state store, one line
// per check, without sending or changing anything (unless asked to send a test picture).
#include <cstdio>
#include <filesystem>

#include "app.hpp"
#include "pixsync/error.hpp"
#include "pixsync/host/pipeline.hpp"
#include "pixsync/state_location.hpp"
#include "pixsync/util/strings.hpp"
#include "send_test.hpp"

namespace pixsync::cli {

namespace {

void print(const CheckResult& r) {
    const char* mark = r.status == CheckResult::Status::Passed    ? "ok  "
                       : r.status == CheckResult::Status::Notice  ? "note"
                       : r.status == CheckResult::Status::Warning ? "warn"
                                                                  : "FAIL";
    std::printf("[%s] %s: %s\n", mark, escapeControl(r.subject).c_str(),
                escapeControl(r.detail).c_str());
    if (!r.fix.empty()) std::printf("       fix: %s\n", escapeControl(r.fix).c_str());
}

/// The state is opened read-only: check creates no state, imports nothing into it, and runs
/// beside a daemon that holds the writer lock.
void checkState(const Config& config, App& app, CheckReport& report) {
    try {
        const auto location = StateLocation::of(config.state.options);
        std::error_code ec;
        const bool exists = !location || std::filesystem::exists(location->file(), ec);
        auto store = openStateStore(config, app.registry, app.log, app.clock, OpenMode::ReadOnly);
        const std::string name =
            location ? cat(config.state.plugin, " store ", location->file().string())
                     : cat(config.state.plugin, " store");
        std::string detail = exists
                                 ? cat(name, " can be read")
                                 : cat(location->file().string(),
                                       " does not exist yet; the first `once` or `run` creates it");
        if (auto pid = location ? location->lockHolder() : std::nullopt)
            detail += cat("; in use by pixsync (pid ", *pid, "), which is fine");
        report.pass("state", detail);
    } catch (const Error& e) {
        report.fail("state", e.what(),
                    "see the message; `pixsync state --help` lists recovery commands");
    }
}

}  // namespace

int runCheck(App& app, const std::string& sendTestTo) {
    CheckReport report;
    Config config;
    try {
        config = app.loadConfig();
        report.pass("configuration",
                    cat(config.origin, ": ", counted(config.routes.size(), "route")));
    } catch (const Error& e) {
        report.fail("configuration", e.what(), "correct the file named above");
        for (const auto& r : report.results()) print(r);
        return exitCodeFor(e.kind());
    }
    app.loadPlugins(config.pluginDirs);
    std::unique_ptr<Pipeline> pipeline;
    try {
        pipeline =
            std::make_unique<Pipeline>(config, app.registry, app.log, app.clock, std::nullopt);
        report.pass("plugins", "every source and sink was created");
    } catch (const Error& e) {
        // A plugin refusing its options is a configuration mistake (exit 2), like one the
        // loader finds: the message names the file and key to correct.
        if (e.kind() == ErrorKind::Config) {
            report.fail("configuration", e.what(), "correct the file named above");
            for (const auto& r : report.results()) print(r);
            return exitCodeFor(e.kind());
        }
        report.fail("plugins", e.what(),
                    "see `pixsync plugins` and the configuration reference in the README");
    }
    if (pipeline) pipeline->check(report);
    // Sent even when a check above failed: the picture needs only the sink, and its line
    // says whether it went.
    if (pipeline && !sendTestTo.empty()) sendTestPicture(*pipeline, config, sendTestTo, report);
    checkState(config, app, report);
    for (const auto& r : report.results()) print(r);
    std::printf("%s\n", report.ok() ? "all checks passed" : "some checks failed");
    return report.ok() ? kExitOk : kExitFailure;
}

}  // namespace pixsync::cli
