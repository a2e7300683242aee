#pragma once
// What the scripted source and sink saw, shared with the harness and the invariants: the
// simulation's truth (every message the sink accepted), the listings of the current pass, and
// which outages the current engine has met.

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pixsync/clock.hpp"
#include "pixsync/state_store.hpp"

namespace pixsync::test {

/// Thrown by the crashing store instead of a write: the process dies here. Deliberately not a
/// std::exception, so that nothing on the way mistakes it for a plugin's error.
struct SimulatedCrash {
    std::string what;
};

/// One message the sink accepted.
struct Acceptance {
    DeliveryKey key;
    std::size_t route = 0;
    TimePoint at{};
};

/// One listing the source answered during the current poll pass.
struct ListingSeen {
    std::size_t route = 0;
    bool full = false;
    TimePoint at{};
    std::vector<std::string> assetIds;
};

/// A whole service as the current engine met it.
struct Encounter {
    std::optional<TimePoint> outageMet;  ///< start of the outage window the engine ran into
    bool unresolved = false;             ///< met an outage, and has not worked since it ended
    /// Different photos that failed in a row since it last worked (the engine's evidence
    /// against the whole service once there are three of them).
    std::set<std::string> streak;
    /// Whether the streak is evidence enough: a hold without an outage is then no lie.
    bool streakMet() const { return streak.size() >= 3; }
};

/// Shared by the scripted plugins (fetch runs on the engine's download thread) and the harness.
class Observations {
  public:
    explicit Observations(std::size_t routes) : listing_(routes), download_(routes) {}

    /// Set when the process "crashes": from then on the plugins refuse everything.
    std::atomic<bool> dead{false};

    void accepted(const Acceptance& a);
    void refused(const DeliveryKey& key);
    /// The sink asked to try this photo's message later (a 4xx): counts toward its streak.
    void retryLater(const DeliveryKey& key);
    /// A download failed for the photo itself while the source works: counts toward the
    /// route's download streak.
    void downloadRefused(std::size_t route, const std::string& assetId);
    /// A download or a delivery of this photo failed because of the photo itself.
    void photoFailed(const std::string& assetId);
    void listed(ListingSeen listing);
    void listingFailed(std::size_t route, TimePoint outageStart);
    void listingWorked(std::size_t route);
    void downloadFailed(std::size_t route, TimePoint outageStart);
    void downloadWorked(std::size_t route);
    void sinkFailed(TimePoint outageStart);
    void sinkWorked();
    /// The sink's or a route's source's check passed: what the engine learns from it (see
    /// checked() in observations.cpp).
    void sinkChecked();
    void sourceChecked(std::size_t route);
    void quotaMet(TimePoint windowStart);
    void problem(std::string what);

    /// A new engine knows nothing of what the one before met.
    void engineRestarted();

    // Read by the harness between engine calls (no plugin call runs then).
    const std::vector<Acceptance>& acceptances() const { return accepted_; }
    int acceptedCount(const DeliveryKey& key) const;
    int refusals(const DeliveryKey& key) const;
    int photoFailures(const std::string& assetId) const;
    std::vector<ListingSeen> takeListings();
    const Encounter& listing(std::size_t route) const { return listing_[route]; }
    const Encounter& download(std::size_t route) const { return download_[route]; }
    const Encounter& sink() const { return sink_; }
    std::optional<TimePoint> quotaMetAt() const { return quota_; }
    std::vector<std::string> takeProblems();

  private:
    mutable std::mutex mutex_;
    std::vector<Acceptance> accepted_;
    std::map<DeliveryKey, int> acceptedCount_, refusals_;
    std::map<std::string, int> photoFailures_;
    std::vector<ListingSeen> listings_;
    std::vector<Encounter> listing_, download_;
    Encounter sink_;
    std::optional<TimePoint> quota_;
    std::vector<std::string> problems_;
};

}  // namespace pixsync::test
