// The status model from the state, the health record and the configuration.
#include "pixsync/host/status_report.hpp"

#include <algorithm>
#include <map>

namespace pixsync {

namespace {

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

SinkStatus sinkStatus(const PluginInstance& sink, StateStore& store,
                      const std::optional<HealthReport>& health,
                      const std::vector<RouteSummary>& summaries, const Config& config,
                      TimePoint now) {
    SinkStatus v{healthOf(health, true, sink.name), 0, std::nullopt, 0, 0};
    for (std::size_t i = 0; i < summaries.size(); ++i)
        if (config.routes[i].sink == sink.name) v.queued += summaries[i].queued;
    if (v.health.until && *v.health.until <= now) {
        v.health.state = HealthState::Ok;
        v.health.until.reset();
        v.health.reason.clear();
    }
    if (v.queued > 0 && !isFailing(v.health.state))
        v.emptiesAt =
            queueEmptiesAt(v.health, v.queued, std::max(now, v.health.until.value_or(now)));
    // The same windows as the engine's rate limits.
    v.sentLastMinute = store.countDelivered(sink.name, now - std::chrono::minutes(1));
    v.sentLastDay = store.countDelivered(sink.name, now - std::chrono::hours(24));
    return v;
}

/// Never a time in the past: a due delivery waits for its sink's pause, or is held while its
/// sink or route fails (then there is no time to give).
std::optional<TimePoint> nextAttempt(const RouteSummary& s, const ComponentHealth& route,
                                     const SinkStatus* sink, TimePoint now) {
    if (!s.nextAttempt || s.queued == 0 || isFailing(route.state)) return std::nullopt;
    TimePoint t = std::max(*s.nextAttempt, now);
    if (sink) {
        if (isFailing(sink->health.state)) return std::nullopt;
        if (sink->health.until) t = std::max(t, *sink->health.until);
    }
    return t;
}

/// When route `r`'s queue is sent: routes on one sink take turns, so before its last photo goes
/// out every other route on the sink sends as many as it has queued, up to `r`'s own number.
std::optional<TimePoint> routeEmptiesAt(const std::vector<RouteStatus>& routes, std::size_t r,
                                        const SinkStatus* sink, TimePoint now) {
    const RouteStatus& route = routes[r];
    if (!sink || route.summary.queued == 0 || isFailing(route.health.state) ||
        isFailing(sink->health.state))
        return std::nullopt;
    std::uint64_t before = 0;
    for (const auto& other : routes)
        if (other.sink == route.sink)
            before += std::min(other.summary.queued, route.summary.queued);
    return queueEmptiesAt(sink->health, before, std::max(now, sink->health.until.value_or(now)));
}

}  // namespace

bool StatusReport::ok() const {
    for (const auto& s : sinks)
        if (isFailing(s.health.state)) return false;
    for (const auto& r : routes)
        if (isFailing(r.health.state)) return false;
    return true;
}

std::optional<TimePoint> StatusReport::pausedUntil() const {
    std::optional<TimePoint> until;
    for (const auto& s : sinks)
        if (s.health.state == HealthState::QuotaPaused && s.health.until &&
            (!until || *s.health.until > *until))
            until = s.health.until;
    return until;
}

StatusReport buildStatusReport(const Config& config, StateStore& store,
                               const std::optional<HealthReport>& health, TimePoint now,
                               std::optional<long> daemonPid, std::size_t recentLimit) {
    StatusReport report;
    report.at = now;
    report.daemonPid = daemonPid;
    if (health) report.healthAt = health->at;

    std::vector<std::string> ids;
    for (const auto& r : config.routes) ids.push_back(r.id);
    const std::vector<RouteSummary> summaries = store.summarize(ids);

    for (const auto& s : config.sinks)
        report.sinks.push_back(sinkStatus(s, store, health, summaries, config, now));

    for (std::size_t i = 0; i < config.routes.size() && i < summaries.size(); ++i) {
        const RouteConfig& r = config.routes[i];
        RouteStatus v;
        v.summary = summaries[i];
        v.label = r.label;
        v.sink = r.sink;
        for (const auto& d : r.destinations) v.frames.push_back(d.address);
        v.health = healthOf(health, false, r.id);
        // A failed last poll is a failing route, even before any health was recorded.
        if (v.summary.lastPass && !v.summary.lastPass->error.empty() &&
            !isFailing(v.health.state)) {
            v.health.state = HealthState::Failing;
            v.health.reason = v.summary.lastPass->error;
            v.health.since = v.summary.lastPass->finished;
        }
        const SinkStatus* sink = nullptr;
        for (const auto& s : report.sinks)
            if (s.health.name == r.sink) sink = &s;
        v.nextAttempt = nextAttempt(v.summary, v.health, sink, now);
        report.routes.push_back(std::move(v));
    }
    for (std::size_t i = 0; i < report.routes.size(); ++i) {
        const SinkStatus* sink = nullptr;
        for (const auto& s : report.sinks)
            if (s.health.name == report.routes[i].sink) sink = &s;
        report.routes[i].emptiesAt = routeEmptiesAt(report.routes, i, sink, now);
    }
    report.recent = store.recentDeliveries(recentLimit);
    // A sink's last delivery, when the health record has none yet (a daemon started after
    // `once` delivered): the newest one the state lists.
    for (auto& s : report.sinks)
        for (const auto& d : report.recent)
            if (!s.health.lastSuccess && d.sink == s.health.name &&
                d.status == DeliveryStatus::Delivered)
                s.health.lastSuccess = d.at;
    return report;
}

}  // namespace pixsync
