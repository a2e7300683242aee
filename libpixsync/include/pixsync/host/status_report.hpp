#pragma once
/// @file status_report.hpp
/// Everything `pixsync status` shows, as one model: the health of each sink and route (the
/// engine's health model), what each route has delivered, queued and failed, and the newest
/// deliveries. `pixsync status`, `status --json`, the daemon's status page and its
/// /api/status are all drawn from it, and the JSON has one writer (statusJson).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pixsync/clock.hpp"
#include "pixsync/host/config.hpp"
#include "pixsync/host/health_model.hpp"
#include "pixsync/state_store.hpp"

namespace pixsync {

/// One sink: its health, its queue and how much of its limits is used.
struct SinkStatus {
    ComponentHealth health;
    std::uint64_t queued = 0;
    std::optional<TimePoint>
        emptiesAt;  ///< when the queue is sent at the limits; none: no limits or failing
    std::uint64_t sentLastMinute = 0, sentLastDay = 0;  ///< deliveries, as the limits count them
};

/// One route: who, where to, its health and its counts.
struct RouteStatus {
    RouteSummary summary;
    std::string label;                ///< the route's label (the Immich user); may be empty
    std::string sink;                 ///< the sink it delivers through
    std::vector<std::string> frames;  ///< its destinations' addresses
    ComponentHealth health;
    std::optional<TimePoint> nextAttempt;  ///< never in the past; none while held
    /// When the route's queue is sent at its sink's limits, the routes on that sink taking
    /// turns; none without limits, with nothing queued, or while it or its sink fails.
    std::optional<TimePoint> emptiesAt;
};

/// The model behind every status output.
struct StatusReport {
    TimePoint at{};
    std::optional<long> daemonPid;       ///< the running daemon, if any
    std::optional<TimePoint> healthAt;   ///< when the engine last recorded the health
    std::vector<SinkStatus> sinks;       ///< in configuration order
    std::vector<RouteStatus> routes;     ///< in configuration order
    std::vector<RecentDelivery> recent;  ///< newest first

    /// False when a sink or route is failing or held.
    bool ok() const;
    /// The latest end of a quota pause of any sink.
    std::optional<TimePoint> pausedUntil() const;
};

/// Deliveries the status lists by default.
inline constexpr std::size_t kRecentDeliveriesShown = 50;

/// Builds the report from the state (read on the calling thread), the health last recorded
/// and the configuration. A pause that has ended by `now` is over whatever the record says.
StatusReport buildStatusReport(const Config& config, StateStore& store,
                               const std::optional<HealthReport>& health, TimePoint now,
                               std::optional<long> daemonPid,
                               std::size_t recentLimit = kRecentDeliveriesShown);

/// The documented `pixsync status --json` document (README), pretty-printed.
std::string statusJson(const StatusReport& report);

}  // namespace pixsync
