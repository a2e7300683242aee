#pragma once
/// @file health.hpp
/// What the daemon exposes with `--listen`: /healthz and Prometheus /metrics.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "pixsync/clock.hpp"
#include "pixsync/host/health_model.hpp"
#include "pixsync/host/runner.hpp"
#include "pixsync/host/status_report.hpp"
#include "pixsync/host/thumbnails.hpp"

namespace pixsync {

/// Counters and gauges of a running daemon. Thread-safe: the runner records, the HTTP server reads.
class Metrics {
  public:
    /// Adds one runner cycle; `queueDepth` is the number of queued deliveries after it.
    void recordCycle(const CycleReport& cycle, std::uint64_t queueDepth, TimePoint now);
    /// Replaces the health of sinks and routes (Engine::health()); `queuedBySink` is the
    /// number of queued deliveries per sink.
    void recordHealth(const HealthReport& health,
                      const std::map<std::string, std::uint64_t>& queuedBySink);

    /// The Prometheus text exposition of everything recorded.
    std::string prometheus() const;
    /// True when no sink or route is failing or held, and the last poll of every route worked.
    bool healthy() const;
    /// "ok", or one line per failing sink and route naming it and the reason.
    std::string healthText() const;

  private:
    mutable std::mutex mutex_;
    std::uint64_t polls_ = 0, pollFailures_ = 0;
    std::uint64_t delivered_ = 0, retried_ = 0, failed_ = 0, paused_ = 0, held_ = 0, bytes_ = 0;
    std::uint64_t queueDepth_ = 0;
    std::optional<TimePoint> lastSuccess_;          ///< last cycle in which every poll worked
    std::map<std::string, bool> routeOk_;           ///< the last poll of each route worked
    std::map<std::string, Duration> pollDuration_;  ///< how long each route's last poll took
    HealthReport health_;
    std::map<std::string, std::uint64_t> queuedBySink_;
};

/// The latest status report, published by the daemon after each cycle (on its own thread,
/// which owns the state) and read by the server's threads. Thread-safe.
class StatusBoard {
  public:
    void publish(StatusReport report);
    /// The report last published; null before the first.
    std::shared_ptr<const StatusReport> latest() const;

  private:
    mutable std::mutex mutex_;
    std::shared_ptr<const StatusReport> latest_;
};

/// What the --listen port serves besides /healthz and /metrics.
struct StatusPageSettings {
    /// The status page (GET /) and GET /api/status draw from it; null: neither is served.
    const StatusBoard* board = nullptr;
    /// Required (Bearer, or HTTP Basic's password) on every path but /healthz; empty: none.
    /// An address other than loopback is refused without one.
    std::string token;
    std::optional<Duration> pollInterval;  ///< shown on the page; none: not polling
    /// GET /thumb/<asset id> and the page's pictures; null: none shown.
    const Thumbnails* thumbnails = nullptr;
    /// How the user sets the token, for the refusal of an address other than loopback
    /// ("listen_token in /srv/pixsync.json").
    std::string tokenSetting = "a token";
};

/// An HTTP server on `listen` ("127.0.0.1:9464"; port 0 picks a free one) answering
/// GET /healthz (200 "ok" or 503 with the reason), GET /metrics and, with a board, the status
/// page (GET /) and GET /api/status (`pixsync status --json`). GET and HEAD only. Stops on
/// destruction. Throws Error(Config) naming --listen when the address cannot be used, or is
/// not loopback and `page.token` is empty.
class HealthServer {
  public:
    HealthServer(const std::string& listen, const Metrics& metrics, StatusPageSettings page = {});
    ~HealthServer();
    HealthServer(const HealthServer&) = delete;
    HealthServer& operator=(const HealthServer&) = delete;
    /// The port actually listened on.
    int port() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace pixsync
