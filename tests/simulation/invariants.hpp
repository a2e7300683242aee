#pragma once
// The invariants, checked after every step of the simulation against its truth (what the
// sink accepted, what the world says) and the real store's records:
//   1 exactly once: every deliverable favorite reaches each of its frames once (one extra per
//     crash at most); nothing goes out after a full listing has shown it unfavorited;
//   2 a photo that can never be sent is recorded failed within its attempt budget, and does
//     not hold back other photos meanwhile;
//   3 liveness and fairness: a sink with budget sends what is due; one route's backlog does
//     not starve another route's new favorites;
//   4 health matches the world's outages;
//   0 the plugins' contract: the media, route and frames the engine hands the sink are right.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "observations.hpp"
#include "pixsync/host/health_model.hpp"
#include "pixsync/state_store.hpp"
#include "world.hpp"

namespace pixsync::test {

struct Violation {
    int invariant = 0;
    TimePoint at{};
    std::string message;
};

/// The name of an invariant ("exactly once", ...).
const char* invariantName(int invariant) noexcept;

class Invariants {
  public:
    /// `attemptSpan`: the longest time the engine may take for maxAttempts attempts
    /// (backoffs with jitter), with services working and the sink free.
    Invariants(const World& world, const Observations& observations, int maxAttempts,
               Duration attemptSpan);

    /// After a poll pass (or the restart after a crash in one): learns which listed photos the
    /// state now knows, and which removals a committed full listing has shown.
    void afterPoll(StateStore& store, std::vector<ListingSeen> listings);
    /// After a delivery pass: checks everything. `health` is missing after a crash.
    void afterStep(StateStore& store, const std::optional<HealthReport>& health, TimePoint now,
                   int crashes);
    /// At the end of the run: everything deliverable was delivered, the rest recorded failed.
    void atEnd(StateStore& store, TimePoint now);
    /// True when nothing is left to deliver or to fail.
    bool settled() const { return good_.empty() && bad_.empty(); }
    std::size_t pending() const { return good_.size() + bad_.size(); }

    const std::vector<Violation>& violations() const { return violations_; }

  private:
    struct Pending {
        TimePoint knownAt{};
        Duration blockedAtKnown{0};  ///< the route's blocked time when it became known
    };

    void violate(int invariant, TimePoint at, std::string message);
    /// Whether the engine may hold back the route's deliveries at `t`: an outage of its source
    /// or sink (or the holds after one), a quota reply, or a sink without send budget.
    bool blocked(std::size_t route, TimePoint t) const;
    bool sinkHasBudget(TimePoint t) const;
    std::size_t acceptedSince(TimePoint since) const;
    /// A photo of the route that failed at least once and is not recorded failed yet, if any.
    std::optional<DeliveryKey> failingPhoto(std::size_t route) const;
    /// Invariant 2 when a failing photo of the route is queued (it is what holds the others
    /// back), else invariant 3.
    void heldBack(std::size_t route, TimePoint at, const std::string& what);

    void checkAcceptances(TimePoint now, int crashes);
    void checkFailing(StateStore& store, TimePoint now, int crashes);
    void checkLiveness(TimePoint now);
    void checkHealth(const HealthReport& health, TimePoint now);

    const World& world_;
    const Observations& observations_;
    int maxAttempts_;
    Duration attemptSpan_;
    std::map<DeliveryKey, Pending> good_, bad_;  ///< known to the state, not settled yet
    std::set<DeliveryKey> known_;
    std::map<DeliveryKey, int> failuresChecked_;     ///< photo failures when status was last read
    std::map<std::string, TimePoint> removalShown_;  ///< asset id -> full listing without it
    std::vector<std::size_t> goodPerRoute_;
    std::vector<Duration> blockedTotal_;
    std::vector<std::size_t> othersSince_;  ///< messages of other routes while one waited
    std::vector<TimePoint> acceptedAt_;     ///< times of every accepted message, in order
    std::size_t acceptancesSeen_ = 0;
    int extras_ = 0;
    std::optional<TimePoint> lastStep_;
    std::set<std::pair<int, std::string>> reported_;
    std::vector<Violation> violations_;
};

}  // namespace pixsync::test
