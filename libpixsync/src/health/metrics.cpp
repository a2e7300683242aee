#include <set>

#include "pixsync/host/health.hpp"
#include "pixsync/util/strings.hpp"
#include "pixsync/version.hpp"

namespace pixsync {

namespace {

/// A label value as the Prometheus text format wants it: \\, \" and \n escaped.
std::string labelValue(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string seconds(TimePoint t) { return cat(toUnixMillis(t) / 1000); }

}  // namespace

void Metrics::recordCycle(const CycleReport& cycle, std::uint64_t queueDepth, TimePoint now) {
    std::lock_guard lock(mutex_);
    bool allPolled = true;
    for (const auto& p : cycle.polls) {
        ++polls_;
        if (!p.ok) {
            ++pollFailures_;
            allPolled = false;
        }
        routeOk_[p.route] = p.ok;
        pollDuration_[p.route] = p.duration;
    }
    // Each counter counts outcomes, one per delivery tried: deliveries that only waited
    // (DeliverReport::waiting) are not events.
    const auto& d = cycle.deliveries;
    delivered_ += d.delivered;
    retried_ += d.retrying;
    failed_ += d.failed;
    paused_ += d.paused;
    held_ += d.held;
    bytes_ += d.bytes;
    queueDepth_ = queueDepth;
    if (allPolled && !d.sinkUnavailable && !d.sourceUnavailable) lastSuccess_ = now;
}

void Metrics::recordHealth(const HealthReport& health,
                           const std::map<std::string, std::uint64_t>& queuedBySink) {
    std::lock_guard lock(mutex_);
    health_ = health;
    queuedBySink_ = queuedBySink;
}

bool Metrics::healthy() const {
    std::lock_guard lock(mutex_);
    if (!health_.ok()) return false;
    for (const auto& [route, ok] : routeOk_)
        if (!ok) return false;
    return true;
}

std::string Metrics::healthText() const {
    std::lock_guard lock(mutex_);
    std::string problems;
    auto add = [&](const std::string& line) { problems += (problems.empty() ? "" : "\n") + line; };
    std::set<std::string> named;
    for (const auto& c : health_.sinks)
        if (isFailing(c.state)) add(cat("sink '", c.name, "': ", describe(c)));
    for (const auto& c : health_.routes)
        if (isFailing(c.state)) {
            add(cat("route '", c.name, "': ", describe(c)));
            named.insert(c.name);
        }
    for (const auto& [route, ok] : routeOk_)
        if (!ok && !named.count(route)) add(cat("route '", route, "': last poll failed"));
    // A limit or a quota pause is not a failure (200), but it is not "ok" either: the body
    // says what is waiting and until when.
    for (const auto& c : health_.sinks)
        if (c.state != HealthState::Ok && !isFailing(c.state))
            add(cat("sink '", c.name, "': ", describe(c)));
    return problems.empty() ? "ok" : problems;
}

std::string Metrics::prometheus() const {
    std::lock_guard lock(mutex_);
    std::string out;
    auto metric = [&](const char* name, const char* type, const char* help,
                      const std::string& samples) {
        out += cat("# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n", samples);
    };
    metric("pixsync_build_info", "gauge", "Always 1; the version is a label.",
           cat("pixsync_build_info{version=\"", labelValue(kVersion), "\"} 1\n"));
    metric("pixsync_polls_total", "counter", "Polls of a route's source.",
           cat("pixsync_polls_total ", polls_, "\n"));
    metric("pixsync_poll_failures_total", "counter", "Polls that failed.",
           cat("pixsync_poll_failures_total ", pollFailures_, "\n"));
    std::string durations;
    for (const auto& [route, d] : pollDuration_)
        durations += cat("pixsync_poll_duration_seconds{route=\"", labelValue(route), "\"} ",
                         std::chrono::duration<double>(d).count(), "\n");
    metric("pixsync_poll_duration_seconds", "gauge", "How long the route's last poll took.",
           durations);
    metric("pixsync_deliveries_total", "counter",
           "Delivery outcomes, one per delivery tried (held: kept queued because the sink or "
           "source failed).",
           cat("pixsync_deliveries_total{outcome=\"delivered\"} ", delivered_, "\n",
               "pixsync_deliveries_total{outcome=\"retry\"} ", retried_, "\n",
               "pixsync_deliveries_total{outcome=\"failed\"} ", failed_, "\n",
               "pixsync_deliveries_total{outcome=\"paused\"} ", paused_, "\n",
               "pixsync_deliveries_total{outcome=\"held\"} ", held_, "\n"));
    metric("pixsync_delivered_bytes_total", "counter", "Bytes delivered.",
           cat("pixsync_delivered_bytes_total ", bytes_, "\n"));
    metric("pixsync_queue_depth", "gauge", "Deliveries waiting in the outbox.",
           cat("pixsync_queue_depth ", queueDepth_, "\n"));
    metric("pixsync_last_success_timestamp_seconds", "gauge",
           "Unix time of the last cycle in which every poll and send worked (0: none yet).",
           cat("pixsync_last_success_timestamp_seconds ",
               lastSuccess_ ? toUnixMillis(*lastSuccess_) / 1000 : 0, "\n"));
    std::string sinkUp, sinkQueue, pausedUntil;
    for (const auto& c : health_.sinks) {
        const std::string label = cat("{sink=\"", labelValue(c.name), "\"} ");
        sinkUp += cat("pixsync_sink_up", label, isFailing(c.state) ? 0 : 1, "\n");
        auto q = queuedBySink_.find(c.name);
        sinkQueue +=
            cat("pixsync_sink_queue_depth", label, q == queuedBySink_.end() ? 0 : q->second, "\n");
        const bool paused =
            c.until && (c.state == HealthState::QuotaPaused || c.state == HealthState::RateLimited);
        pausedUntil += cat("pixsync_sink_paused_until_timestamp_seconds", label,
                           paused ? seconds(*c.until) : std::string("0"), "\n");
    }
    metric("pixsync_sink_up", "gauge",
           "1 unless the sink is failing (unreachable, login refused, ...).", sinkUp);
    metric("pixsync_sink_queue_depth", "gauge", "Deliveries waiting for the sink.", sinkQueue);
    metric("pixsync_sink_paused_until_timestamp_seconds", "gauge",
           "Unix time a quota pause or rate limit of the sink ends (0: not paused).", pausedUntil);
    std::map<std::string, bool> routeUp(routeOk_.begin(), routeOk_.end());
    for (const auto& c : health_.routes) {
        auto it = routeUp.find(c.name);
        routeUp[c.name] = !isFailing(c.state) && (it == routeUp.end() || it->second);
    }
    std::string up;
    for (const auto& [route, ok] : routeUp)
        up += cat("pixsync_route_up{route=\"", labelValue(route), "\"} ", ok ? 1 : 0, "\n");
    metric("pixsync_route_up", "gauge",
           "1 when the route's last poll worked and its photos can be fetched.", up);
    return out;
}

}  // namespace pixsync
