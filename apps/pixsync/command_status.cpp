// `pixsync status [--json]`: what each route has delivered, queued and failed.
// Reads the state without taking the writer lock, so it works while the daemon runs.
#include <cstdio>
#include <ctime>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "app.hpp"
#include "pixsync/error.hpp"
#include "pixsync/pipeline.hpp"
#include "pixsync/strings.hpp"

namespace pixsync::cli {

namespace {

std::string isoTime(TimePoint t) {
    std::time_t s = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    ::gmtime_r(&s, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace

int runStatus(App& app, bool json) {
    Config config = app.loadConfig();
    app.loadPlugins(config.pluginDirs);
    auto store = openStateStore(config, app.registry, app.log, app.clock, OpenMode::ReadOnly);
    std::vector<std::string> ids;
    for (const auto& r : config.routes) ids.push_back(r.id);
    auto summaries = store->summarize(ids);
    std::optional<TimePoint> pausedUntil;
    for (const auto& s : config.sinks)
        if (auto v = store->meta("sink_paused_until:" + s.name)) {
            TimePoint t = fromUnixMillis(std::stoll(*v));
            if (t > app.clock.now()) pausedUntil = t;
        }

    bool failing = false;
    for (const auto& s : summaries)
        if (s.lastPass && !s.lastPass->error.empty()) failing = true;

    if (json) {
        // The documented, stable shape (see README, "pixsync status --json").
        rapidjson::StringBuffer buf;
        rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
        auto str = [&](const std::string& v) { w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size())); };
        auto time = [&](const std::optional<TimePoint>& t) { t ? str(isoTime(*t)) : static_cast<void>(w.Null()); };
        w.StartObject();
        w.Key("version"); w.Int(1);
        w.Key("ok"); w.Bool(!failing);
        w.Key("paused_until"); time(pausedUntil);
        w.Key("routes");
        w.StartArray();
        for (const auto& s : summaries) {
            w.StartObject();
            w.Key("route"); str(s.route);
            w.Key("favorites"); w.Uint64(s.favorites);
            w.Key("delivered"); w.Uint64(s.delivered);
            w.Key("queued"); w.Uint64(s.queued);
            w.Key("failed"); w.Uint64(s.failed);
            w.Key("skipped"); w.Uint64(s.skipped);
            w.Key("next_attempt"); time(s.nextAttempt);
            w.Key("last_poll");
            if (s.lastPass) {
                w.StartObject();
                w.Key("started"); str(isoTime(s.lastPass->started));
                w.Key("finished"); str(isoTime(s.lastPass->finished));
                w.Key("full_listing"); w.Bool(s.lastPass->fullListing);
                w.Key("listed"); w.Uint64(s.lastPass->listed);
                w.Key("queued"); w.Uint64(s.lastPass->queued);
                w.Key("ok"); w.Bool(s.lastPass->error.empty());
                w.Key("error"); str(s.lastPass->error);
                w.EndObject();
            } else {
                w.Null();
            }
            w.Key("recent_failures");
            w.StartArray();
            for (const auto& f : s.recentFailures) {
                w.StartObject();
                w.Key("asset"); str(f.key.assetId);
                w.Key("file"); str(f.fileName);
                w.Key("frame"); str(f.key.destination);
                w.Key("reason"); str(f.reason);
                w.Key("at"); str(isoTime(f.at));
                w.EndObject();
            }
            w.EndArray();
            w.EndObject();
        }
        w.EndArray();
        w.EndObject();
        std::printf("%s\n", buf.GetString());
        return failing ? kExitFailure : kExitOk;
    }

    if (pausedUntil) std::printf("sending paused (quota) until %s\n", isoTime(*pausedUntil).c_str());
    for (const auto& s : summaries) {
        std::printf("%s\n", s.route.c_str());
        std::printf("  favorites %llu, delivered %llu, queued %llu, failed %llu, skipped %llu\n",
                    static_cast<unsigned long long>(s.favorites), static_cast<unsigned long long>(s.delivered),
                    static_cast<unsigned long long>(s.queued), static_cast<unsigned long long>(s.failed),
                    static_cast<unsigned long long>(s.skipped));
        if (s.lastPass)
            std::printf("  last poll %s: %s\n", isoTime(s.lastPass->finished).c_str(),
                        s.lastPass->error.empty() ? cat("ok, ", s.lastPass->listed, " listed, ", s.lastPass->queued, " new").c_str()
                                                  : ("FAILED: " + escapeControl(s.lastPass->error)).c_str());
        else
            std::printf("  never polled\n");
        if (s.nextAttempt) std::printf("  next delivery attempt %s\n", isoTime(*s.nextAttempt).c_str());
        for (const auto& f : s.recentFailures)
            std::printf("  failed: %s to %s: %s\n", escapeControl(f.fileName).c_str(),
                        escapeControl(f.key.destination).c_str(), escapeControl(f.reason).c_str());
    }
    return failing ? kExitFailure : kExitOk;
}

}  // namespace pixsync::cli
