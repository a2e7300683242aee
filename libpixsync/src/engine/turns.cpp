// The routes' turns: every route with something due gets one photo in turn, so one route's
// backlog never waits in front of another route's new favorite (the round-robin of Postfix's
// queue manager across destinations).
#include <algorithm>
#include <map>

#include "engine_impl.hpp"

namespace pixsync {

namespace {
constexpr std::size_t kDueBatch = 64;  ///< deliveries read per route and round
}  // namespace

std::vector<Engine::Impl::AssetGroup> Engine::Impl::dueInTurn(
    std::vector<std::vector<QueuedDelivery>>& batches, const std::set<DeliveryKey>& attempted,
    const std::set<std::string>& resting) {
    std::vector<const Route*> order;
    for (const auto& r : routes_)
        if (!resting.count(r.id)) order.push_back(&r);
    auto lastTurn = [&](const Route* r) {
        auto it = lastTurn_.find(r->id);
        return it == lastTurn_.end() ? 0 : it->second;
    };
    // The route served longest ago first; those never served in configuration order.
    std::stable_sort(order.begin(), order.end(),
                     [&](const Route* a, const Route* b) { return lastTurn(a) < lastTurn(b); });
    std::map<std::string, std::size_t> attemptedByRoute;
    for (const auto& key : attempted) ++attemptedByRoute[key.route];

    const TimePoint now = clock_.now();
    batches.clear();
    batches.reserve(order.size());
    std::vector<std::vector<AssetGroup>> byRoute;
    for (const Route* r : order) {
        batches.push_back(store_.dueForRoute(r->id, now, kDueBatch + attemptedByRoute[r->id],
                                             settings_.oldestFirst));
        auto groups = groupDue(batches.back(), attempted);
        // A photo that failed just now goes after the route's other photos: the next try is
        // one of those, which tells whether the source or sink works.
        std::stable_partition(groups.begin(), groups.end(), [&](const AssetGroup& g) {
            return !streaks_.inStreak(GateKey::downloads(r->id), g.assetId) &&
                   !streaks_.inStreak(GateKey::sink(r->sinkName), r->id + '\n' + g.assetId);
        });
        byRoute.push_back(std::move(groups));
    }
    std::vector<AssetGroup> inTurn;
    for (std::size_t round = 0;; ++round) {
        bool any = false;
        for (auto& groups : byRoute) {
            if (round >= groups.size()) continue;
            inTurn.push_back(std::move(groups[round]));
            any = true;
        }
        if (!any) break;
    }
    return inTurn;
}

}  // namespace pixsync
