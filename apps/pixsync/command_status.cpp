// `pixsync status [--json]`: the health of each sink and route (the engine's health model,
// kept with the state), whether the daemon runs, and what each route has delivered, queued
// and failed. Reads the state without taking the writer lock, so it works while the daemon runs.
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cstdio>
#include <map>

#include "app.hpp"
#include "pixsync/error.hpp"
#include "pixsync/health_model.hpp"
#include "pixsync/pipeline.hpp"
#include "pixsync/strings.hpp"
#include "state_files.hpp"

namespace pixsync::cli {

namespace {

/// One sink as `status` shows it: its health and the deliveries waiting for it.
struct SinkView {
    ComponentHealth health;
    std::uint64_t queued = 0;
    std::optional<TimePoint> emptiesAt;
};

/// What a health record says about a component, or "ok, nothing known yet".
ComponentHealth healthOf(const std::optional<HealthReport>& report, bool sink,
                         const std::string& name) {
    if (report)
        for (const auto& c : sink ? report->sinks : report->routes)
            if (c.name == name) return c;
    ComponentHealth c;
    c.name = name;
    return c;
}

}  // namespace

int runStatus(App& app, bool json) {
    Config config = app.loadConfig();
    app.loadPlugins(config.pluginDirs);
    auto store = openStateStore(config, app.registry, app.log, app.clock, OpenMode::ReadOnly);
    const TimePoint now = app.clock.now();
    std::vector<std::string> ids;
    for (const auto& r : config.routes) ids.push_back(r.id);
    auto summaries = store->summarize(ids);
    const auto health = loadHealth(*store);
    const auto daemon = runningDaemon(statePath(config));

    std::map<std::string, std::string> sinkOfRoute;
    for (const auto& r : config.routes) sinkOfRoute[r.id] = r.sink;
    std::vector<SinkView> sinks;
    for (const auto& s : config.sinks) {
        SinkView v{healthOf(health, true, s.name), 0, std::nullopt};
        for (const auto& sum : summaries)
            if (sinkOfRoute[sum.route] == s.name) v.queued += sum.queued;
        // A pause that has ended is over, whatever the record says.
        if (v.health.until && *v.health.until <= now) {
            v.health.state = HealthState::Ok;
            v.health.until.reset();
            v.health.reason.clear();
        }
        if (!isFailing(v.health.state))
            v.emptiesAt =
                queueEmptiesAt(v.health, v.queued, std::max(now, v.health.until.value_or(now)));
        sinks.push_back(std::move(v));
    }
    auto sinkView = [&](const std::string& route) -> const SinkView* {
        for (const auto& v : sinks)
            if (v.health.name == sinkOfRoute[route]) return &v;
        return nullptr;
    };
    // Never a time in the past: a due delivery waits for its sink's pause, or is held while
    // its sink or route fails (then there is no time to give).
    auto nextAttempt = [&](const RouteSummary& s,
                           const ComponentHealth& route) -> std::optional<TimePoint> {
        if (!s.nextAttempt || s.queued == 0 || isFailing(route.state)) return std::nullopt;
        TimePoint t = std::max(*s.nextAttempt, now);
        if (const SinkView* v = sinkView(s.route)) {
            if (isFailing(v->health.state)) return std::nullopt;
            if (v->health.until) t = std::max(t, *v->health.until);
        }
        return t;
    };

    std::vector<ComponentHealth> routes;
    bool failing = false;
    for (const auto& s : summaries) {
        ComponentHealth h = healthOf(health, false, s.route);
        if (s.lastPass && !s.lastPass->error.empty() && !isFailing(h.state)) {
            h.state = HealthState::Failing;
            h.reason = s.lastPass->error;
            h.since = s.lastPass->finished;
        }
        failing = failing || isFailing(h.state);
        routes.push_back(std::move(h));
    }
    for (const auto& v : sinks) failing = failing || isFailing(v.health.state);

    if (json) {
        // The documented shape (README, "pixsync status --json"); version 2 added the health
        // model (daemon, sinks, and per route: state, summary, reason, since, last_success).
        rapidjson::StringBuffer buf;
        rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
        auto str = [&](const std::string& v) {
            w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
        };
        auto time = [&](const std::optional<TimePoint>& t) {
            t ? str(isoUtc(*t)) : static_cast<void>(w.Null());
        };
        auto healthFields = [&](const ComponentHealth& h) {
            w.Key("state");
            str(toString(h.state));
            w.Key("summary");
            str(describe(h));
            w.Key("reason");
            str(h.reason);
            w.Key("since");
            time(h.since);
            w.Key("until");
            time(h.until);
            w.Key("last_success");
            time(h.lastSuccess);
        };
        std::optional<TimePoint> pausedUntil;
        for (const auto& v : sinks)
            if (v.health.state == HealthState::QuotaPaused && v.health.until &&
                (!pausedUntil || *v.health.until > *pausedUntil))
                pausedUntil = v.health.until;
        w.StartObject();
        w.Key("version");
        w.Int(2);
        w.Key("ok");
        w.Bool(!failing);
        w.Key("daemon");
        w.StartObject();
        w.Key("running");
        w.Bool(daemon.has_value());
        w.Key("pid");
        daemon ? w.Int64(*daemon) : w.Null();
        w.EndObject();
        w.Key("health_at");
        time(health ? std::optional<TimePoint>(health->at) : std::nullopt);
        w.Key("paused_until");
        time(pausedUntil);
        w.Key("sinks");
        w.StartArray();
        for (const auto& v : sinks) {
            w.StartObject();
            w.Key("sink");
            str(v.health.name);
            healthFields(v.health);
            w.Key("queued");
            w.Uint64(v.queued);
            w.Key("per_minute");
            w.Uint(v.health.perMinute);
            w.Key("per_day");
            w.Uint(v.health.perDay);
            w.Key("queue_empties_at");
            time(v.emptiesAt);
            w.EndObject();
        }
        w.EndArray();
        w.Key("routes");
        w.StartArray();
        for (std::size_t i = 0; i < summaries.size(); ++i) {
            const auto& s = summaries[i];
            w.StartObject();
            w.Key("route");
            str(s.route);
            w.Key("sink");
            str(sinkOfRoute[s.route]);
            healthFields(routes[i]);
            w.Key("favorites");
            w.Uint64(s.favorites);
            w.Key("delivered");
            w.Uint64(s.delivered);
            w.Key("queued");
            w.Uint64(s.queued);
            w.Key("failed");
            w.Uint64(s.failed);
            w.Key("skipped");
            w.Uint64(s.skipped);
            w.Key("next_attempt");
            time(nextAttempt(s, routes[i]));
            w.Key("last_poll");
            if (s.lastPass) {
                w.StartObject();
                w.Key("started");
                str(isoUtc(s.lastPass->started));
                w.Key("finished");
                str(isoUtc(s.lastPass->finished));
                w.Key("full_listing");
                w.Bool(s.lastPass->fullListing);
                w.Key("listed");
                w.Uint64(s.lastPass->listed);
                w.Key("queued");
                w.Uint64(s.lastPass->queued);
                w.Key("ok");
                w.Bool(s.lastPass->error.empty());
                w.Key("error");
                str(s.lastPass->error);
                w.EndObject();
            } else {
                w.Null();
            }
            w.Key("recent_failures");
            w.StartArray();
            for (const auto& f : s.recentFailures) {
                w.StartObject();
                w.Key("asset");
                str(f.key.assetId);
                w.Key("file");
                str(f.fileName);
                w.Key("frame");
                str(f.key.destination);
                w.Key("reason");
                str(f.reason);
                w.Key("at");
                str(isoUtc(f.at));
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

    if (daemon)
        std::printf("daemon: running (pid %ld)\n", *daemon);
    else
        std::printf("daemon: not running%s\n",
                    health ? cat(" (health as of ", isoUtc(health->at), ")").c_str() : "");
    for (const auto& v : sinks) {
        std::string line =
            cat("sink ", v.health.name, ": ", describe(v.health), "; ", v.queued, " queued");
        if (isFailing(v.health.state) && v.queued) line += " (held until it works again)";
        if (v.emptiesAt && v.queued) line += cat(", all sent by about ", isoUtc(*v.emptiesAt));
        if (v.health.lastSuccess) line += cat("; last delivery ", isoUtc(*v.health.lastSuccess));
        std::printf("%s\n", line.c_str());
    }
    for (std::size_t i = 0; i < summaries.size(); ++i) {
        const auto& s = summaries[i];
        std::printf("route %s: %s\n", s.route.c_str(), describe(routes[i]).c_str());
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
        if (auto next = nextAttempt(s, routes[i]))
            std::printf("  next delivery attempt %s\n",
                        *next <= now ? "now" : isoUtc(*next).c_str());
        for (const auto& f : s.recentFailures)
            std::printf("  failed: %s to %s: %s\n", escapeControl(f.fileName).c_str(),
                        escapeControl(f.key.destination).c_str(), escapeControl(f.reason).c_str());
    }
    return failing ? kExitFailure : kExitOk;
}

}  // namespace pixsync::cli
