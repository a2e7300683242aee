#include "pixsync/health.hpp"
#include "pixsync/strings.hpp"

namespace pixsync {

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
    }
    const auto& d = cycle.deliveries;
    delivered_ += d.delivered;
    retried_ += d.retrying;
    failed_ += d.failed;
    paused_ += d.paused;
    bytes_ += d.bytes;
    sinkOk_ = !d.sinkUnavailable;
    queueDepth_ = queueDepth;
    if (allPolled && !d.sinkUnavailable && !d.sourceUnavailable) lastSuccess_ = now;
}

bool Metrics::healthy() const {
    std::lock_guard lock(mutex_);
    if (!sinkOk_) return false;
    for (const auto& [route, ok] : routeOk_)
        if (!ok) return false;
    return true;
}

std::string Metrics::healthText() const {
    std::lock_guard lock(mutex_);
    std::string problems;
    for (const auto& [route, ok] : routeOk_)
        if (!ok) problems += (problems.empty() ? "" : ", ") + route + ": last poll failed";
    if (!sinkOk_) problems += std::string(problems.empty() ? "" : ", ") + "a sink is unreachable";
    return problems.empty() ? "ok" : problems;
}

std::string Metrics::prometheus() const {
    std::lock_guard lock(mutex_);
    std::string out;
    auto metric = [&](const char* name, const char* type, const char* help, const std::string& samples) {
        out += cat("# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n", samples);
    };
    metric("pixsync_polls_total", "counter", "Polls of a route's source.",
           cat("pixsync_polls_total ", polls_, "\n"));
    metric("pixsync_poll_failures_total", "counter", "Polls that failed.",
           cat("pixsync_poll_failures_total ", pollFailures_, "\n"));
    metric("pixsync_deliveries_total", "counter", "Delivery attempts by outcome.",
           cat("pixsync_deliveries_total{outcome=\"delivered\"} ", delivered_, "\n",
               "pixsync_deliveries_total{outcome=\"retry\"} ", retried_, "\n",
               "pixsync_deliveries_total{outcome=\"failed\"} ", failed_, "\n",
               "pixsync_deliveries_total{outcome=\"paused\"} ", paused_, "\n"));
    metric("pixsync_delivered_bytes_total", "counter", "Bytes delivered.",
           cat("pixsync_delivered_bytes_total ", bytes_, "\n"));
    metric("pixsync_queue_depth", "gauge", "Deliveries waiting in the outbox.",
           cat("pixsync_queue_depth ", queueDepth_, "\n"));
    metric("pixsync_last_success_timestamp_seconds", "gauge",
           "Unix time of the last cycle in which every poll and send worked (0: none yet).",
           cat("pixsync_last_success_timestamp_seconds ",
               lastSuccess_ ? toUnixMillis(*lastSuccess_) / 1000 : 0, "\n"));
    std::string up;
    for (const auto& [route, ok] : routeOk_) up += cat("pixsync_route_up{route=\"", route, "\"} ", ok ? 1 : 0, "\n");
    metric("pixsync_route_up", "gauge", "1 when the route's last poll worked.", up);
    return out;
}

}  // namespace pixsync
