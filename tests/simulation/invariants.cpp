#include "invariants.hpp"

#include <algorithm>
#include <numeric>

#include "pixsync/util/strings.hpp"

namespace pixsync::test {

namespace {

using std::chrono::hours;
using std::chrono::minutes;

/// How long the engine may still hold a sink or a source back after an outage ended: its
/// holds grow to 30 minutes, with 20% jitter.
constexpr Duration kHoldAfterOutage = minutes(36);
/// A quota pause lasts at least a minute.
constexpr Duration kAfterQuota = minutes(2);

std::string keyText(const DeliveryKey& k) {
    return cat(k.assetId, " of ", k.route, " to ", k.destination);
}

std::string span(Duration d) {
    const auto m = std::chrono::duration_cast<minutes>(d).count();
    return cat(m / (60 * 24), "d ", (m / 60) % 24, "h ", m % 60, "m");
}

}  // namespace

const char* invariantName(int invariant) noexcept {
    switch (invariant) {
        case 1:
            return "exactly once";
        case 2:
            return "a failing photo fails alone, within its attempt budget";
        case 3:
            return "liveness and fairness";
        case 4:
            return "health matches the world";
        default:
            return "plugin contract";
    }
}

Invariants::Invariants(const World& world, const Observations& observations, int maxAttempts,
                       Duration attemptSpan)
    : world_(world),
      observations_(observations),
      maxAttempts_(maxAttempts),
      attemptSpan_(attemptSpan),
      goodPerRoute_(world.routes.size(), 0),
      blockedTotal_(world.routes.size(), Duration{0}),
      othersSince_(world.routes.size(), 0) {}

void Invariants::violate(int invariant, TimePoint at, std::string message) {
    // One report per invariant and subject, not one per step.
    if (!reported_.insert({invariant, message.substr(0, message.find(':'))}).second) return;
    violations_.push_back({invariant, at, std::move(message)});
}

void Invariants::afterPoll(StateStore& store, std::vector<ListingSeen> listings) {
    for (const ListingSeen& l : listings) {
        const RouteSpec& route = world_.routes[l.route];
        for (const std::string& id : l.assetIds) {
            const Photo& p = *world_.photo(id);
            for (const std::string& frame : route.frames) {
                DeliveryKey key{route.id, id, frame};
                if (known_.count(key) || !store.status(key)) continue;  // not committed
                known_.insert(key);
                if (observations_.acceptedCount(key) > 0) continue;
                Pending pending{l.at, blockedTotal_[l.route]};
                if (deliverable(p.fault)) {
                    good_.emplace(key, pending);
                    ++goodPerRoute_[l.route];
                } else {
                    bad_.emplace(key, pending);
                }
            }
        }
        // A committed full listing without a photo shows that it is no longer a favorite.
        if (!l.full) continue;
        auto cursor = store.cursor(route.id);
        if (!cursor || cursor->lastFullListing != l.at) continue;
        std::set<std::string> listed(l.assetIds.begin(), l.assetIds.end());
        for (std::size_t i : route.photos) {
            const Photo& p = world_.photos[i];
            if (listed.count(p.asset.id) || removalShown_.count(p.asset.id)) continue;
            if (p.unfavoritedAt && *p.unfavoritedAt <= l.at) {
                removalShown_.emplace(p.asset.id, l.at);
                // No longer expected; delivering it before now was fine.
                for (const std::string& frame : route.frames) {
                    DeliveryKey key{route.id, p.asset.id, frame};
                    if (good_.erase(key)) --goodPerRoute_[p.route];
                    bad_.erase(key);
                }
            }
        }
    }
}

bool Invariants::sinkHasBudget(TimePoint t) const {
    // The engine counts in windows that start when it first looks, seeded from the state:
    // a window may reach back twice as far as the limit's period (and a day's limit, once
    // reached, is looked at again an hour later).
    if (world_.limits.perMinute && acceptedSince(t - minutes(2)) >= world_.limits.perMinute)
        return false;
    if (world_.limits.perDay && acceptedSince(t - hours(49)) >= world_.limits.perDay) return false;
    return true;
}

std::size_t Invariants::acceptedSince(TimePoint since) const {
    auto it = std::lower_bound(acceptedAt_.begin(), acceptedAt_.end(), since);
    return static_cast<std::size_t>(acceptedAt_.end() - it);
}

bool Invariants::blocked(std::size_t route, TimePoint t) const {
    // Three different photos failing in a row are the engine's evidence against the whole
    // source or sink: it holds them until their check passes, as for an outage.
    if (observations_.sink().streakMet() || observations_.download(route).streakMet()) return true;
    return World::near(world_.sourceOutages[route], t, kHoldAfterOutage) ||
           World::near(world_.sinkOutages, t, kHoldAfterOutage) ||
           World::near(world_.quotas, t, kAfterQuota) || !sinkHasBudget(t);
}

std::optional<DeliveryKey> Invariants::failingPhoto(std::size_t route) const {
    for (const auto& [key, pending] : bad_)
        if (key.route == world_.routes[route].id && observations_.photoFailures(key.assetId) > 0)
            return key;
    return std::nullopt;
}

void Invariants::heldBack(std::size_t route, TimePoint at, const std::string& what) {
    if (auto failing = failingPhoto(route)) {
        const Photo& p = *world_.photo(failing->assetId);
        violate(2, at,
                cat("failing photo ", failing->assetId, " (", toString(p.fault),
                    ") holds back route ", world_.routes[route].id, ": ", what));
    } else {
        violate(3, at, cat("route ", world_.routes[route].id, ": ", what));
    }
}

void Invariants::checkAcceptances(TimePoint now, int crashes) {
    const auto& all = observations_.acceptances();
    const std::size_t fairShare =
        4 +
        2 * std::accumulate(world_.routes.begin(), world_.routes.end(), std::size_t{0},
                            [](std::size_t n, const RouteSpec& r) { return n + r.frames.size(); });
    for (; acceptancesSeen_ < all.size(); ++acceptancesSeen_) {
        const Acceptance& a = all[acceptancesSeen_];
        acceptedAt_.push_back(a.at);
        if (!known_.count(a.key)) known_.insert(a.key);
        const int copies = observations_.acceptedCount(a.key);
        if (copies > 1 && ++extras_ > crashes)
            violate(1, a.at,
                    cat(keyText(a.key), ": sent ", copies, " times; ", extras_,
                        " duplicates in all after ", crashes, " crashes"));
        if (auto shown = removalShown_.find(a.key.assetId);
            shown != removalShown_.end() && shown->second <= a.at)
            violate(1, a.at,
                    cat(keyText(a.key), ": sent although the full listing of ",
                        isoUtc(shown->second), " showed it is no longer a favorite"));
        const Photo& p = *world_.photo(a.key.assetId);
        if (!deliverable(p.fault))
            violate(0, a.at,
                    cat(keyText(a.key), ": accepted although its fault is ", toString(p.fault)));
        if (good_.erase(a.key)) --goodPerRoute_[a.route];
        // Fairness: count the messages other routes send while a route has photos waiting.
        for (std::size_t r = 0; r < world_.routes.size(); ++r) {
            if (r == a.route || goodPerRoute_[r] == 0 || blocked(r, a.at)) {
                othersSince_[r] = 0;
                continue;
            }
            if (++othersSince_[r] == fairShare + 1)
                heldBack(r, a.at,
                         cat("starved: ", goodPerRoute_[r], " photos wait while other routes sent ",
                             fairShare + 1, " messages in a row (a fair share is at most ",
                             fairShare, ")"));
        }
    }
    (void)now;
}

void Invariants::checkFailing(StateStore& store, TimePoint now, int crashes) {
    for (auto it = bad_.begin(); it != bad_.end();) {
        const DeliveryKey& key = it->first;
        const Photo& p = *world_.photo(key.assetId);
        const int refusals = observations_.refusals(key);
        if (refusals > maxAttempts_ + crashes)
            violate(2, now,
                    cat(keyText(key), " (", toString(p.fault), "): refused ", refusals,
                        " times, the attempt budget is ", maxAttempts_));
        // The state is read again only after the photo failed again (reads cost time).
        const int failures = observations_.photoFailures(key.assetId);
        int& checked = failuresChecked_[key];
        if (failures != checked && store.status(key) == DeliveryStatus::Failed) {
            failuresChecked_.erase(key);
            it = bad_.erase(it);
            continue;
        }
        checked = failures;
        const Duration blocked = blockedTotal_[p.route] - it->second.blockedAtKnown;
        const TimePoint deadline =
            it->second.knownAt + attemptSpan_ + blocked + world_.pollInterval + hours(1);
        if (now > deadline)
            violate(2, now,
                    cat(keyText(key), " (", toString(p.fault),
                        "): not recorded failed within its attempt budget: queued since ",
                        isoUtc(it->second.knownAt), ", ",
                        span(std::chrono::duration_cast<Duration>(now - it->second.knownAt)),
                        " ago (budget ", span(attemptSpan_), " + ", span(blocked), " blocked)"));
        ++it;
    }
}

void Invariants::checkLiveness(TimePoint now) {
    // After a delivery pass, a route that nothing holds back has nothing due left.
    for (std::size_t r = 0; r < world_.routes.size(); ++r) {
        if (goodPerRoute_[r] == 0 || blocked(r, now)) continue;
        const std::string& id = world_.routes[r].id;
        auto it = std::find_if(good_.begin(), good_.end(), [&](const auto& entry) {
            return entry.first.route == id && entry.second.knownAt <= now;
        });
        if (it == good_.end()) continue;
        heldBack(r, now,
                 cat("nothing sent although the sink has budget and ", goodPerRoute_[r],
                     " photos are due (e.g. ", keyText(it->first), ", queued since ",
                     isoUtc(it->second.knownAt), ")"));
    }
}

void Invariants::checkHealth(const HealthReport& health, TimePoint now) {
    auto find = [](const std::vector<ComponentHealth>& list, const std::string& name) {
        auto it = std::find_if(list.begin(), list.end(),
                               [&](const ComponentHealth& c) { return c.name == name; });
        return it == list.end() ? nullptr : &*it;
    };
    if (const ComponentHealth* sink = find(health.sinks, "pixstar")) {
        const Window* outage = world_.sinkOutage(now);
        const Encounter& met = observations_.sink();
        if (outage && met.outageMet == outage->start && !isFailing(sink->state))
            violate(4, now,
                    cat("sink: in an outage since ", isoUtc(outage->start),
                        " that the engine met, but its health is '", describe(*sink), "'"));
        if (!outage && !met.unresolved && !met.streakMet() && isFailing(sink->state))
            violate(4, now,
                    cat("sink: no outage (or it delivered since), but its health is '",
                        describe(*sink), "'"));
        const Window* quota = world_.quota(now);
        if (quota && !outage && !met.unresolved && observations_.quotaMetAt() == quota->start &&
            sink->state != HealthState::QuotaPaused)
            violate(4, now,
                    cat("sink: answered 'quota exceeded' since ", isoUtc(quota->start),
                        ", but its health is '", describe(*sink), "'"));
    } else {
        violate(4, now, "sink: missing from health()");
    }
    for (std::size_t r = 0; r < world_.routes.size(); ++r) {
        const std::string& id = world_.routes[r].id;
        const ComponentHealth* route = find(health.routes, id);
        if (!route) {
            violate(4, now, cat("route ", id, ": missing from health()"));
            continue;
        }
        const Window* outage = world_.sourceOutage(r, now);
        const Encounter& listing = observations_.listing(r);
        const Encounter& download = observations_.download(r);
        const bool met =
            outage && (listing.outageMet == outage->start || download.outageMet == outage->start);
        if (met && !isFailing(route->state))
            violate(4, now,
                    cat("route ", id, ": its source is in an outage since ", isoUtc(outage->start),
                        " that the engine met, but its health is '", describe(*route), "'"));
        if (!outage && !listing.unresolved && !download.unresolved && !download.streakMet() &&
            route->state != HealthState::Ok) {
            std::string why = "no outage of its source (or it listed and downloaded since)";
            if (auto failing = failingPhoto(r))
                why = cat("only per-photo failures (", failing->assetId, ": ",
                          toString(world_.photo(failing->assetId)->fault), ")");
            violate(4, now,
                    cat("route ", id, ": ", why, ", but its health is '", describe(*route), "'"));
        }
    }
}

void Invariants::afterStep(StateStore& store, const std::optional<HealthReport>& health,
                           TimePoint now, int crashes) {
    if (lastStep_)
        for (std::size_t r = 0; r < world_.routes.size(); ++r)
            if (blocked(r, *lastStep_))
                blockedTotal_[r] += std::chrono::duration_cast<Duration>(now - *lastStep_);
    lastStep_ = now;
    checkAcceptances(now, crashes);
    checkFailing(store, now, crashes);
    if (health) {
        checkLiveness(now);
        checkHealth(*health, now);
    }
}

void Invariants::atEnd(StateStore& store, TimePoint now) {
    checkFailing(store, now, 0);
    for (const auto& [key, pending] : good_) {
        const Photo& p = *world_.photo(key.assetId);
        const std::string what =
            cat(keyText(key), ": never delivered (queued since ", isoUtc(pending.knownAt),
                ", status ", store.status(key) ? toString(*store.status(key)) : "none", ")");
        if (failingPhoto(p.route))
            heldBack(p.route, now, what);
        else
            violate(1, now, what);
    }
    for (const auto& [key, pending] : bad_)
        violate(2, now,
                cat(keyText(key), " (", toString(world_.photo(key.assetId)->fault),
                    "): never recorded failed (queued since ", isoUtc(pending.knownAt), ")"));
}

}  // namespace pixsync::test
