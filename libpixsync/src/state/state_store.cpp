// The StateStore contract's default behaviour, defined once here (this is also where the
// interface's vtable lives), and the names of delivery statuses as stores keep them.
#include "pixsync/state_store.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

#include "pixsync/error.hpp"

namespace pixsync {

std::vector<RecentDelivery> StateStore::recentDeliveries(std::size_t) { return {}; }

bool goesOutBefore(const QueuedDelivery& a, const QueuedDelivery& b, bool oldestFirst) {
    const bool aFailed = a.attempts > 0, bFailed = b.attempts > 0;
    if (aFailed != bFailed) return !aFailed;
    if (aFailed) return a.nextAttempt < b.nextAttempt;
    if (a.asset.updatedAt == b.asset.updatedAt) return false;
    return oldestFirst ? a.asset.updatedAt < b.asset.updatedAt
                       : a.asset.updatedAt > b.asset.updatedAt;
}

std::vector<QueuedDelivery> StateStore::dueForRoute(const std::string& route, TimePoint now,
                                                    std::size_t limit, bool oldestFirst) {
    // Every due delivery passes through memory once: a store that can select one route's
    // deliveries itself does better.
    std::vector<QueuedDelivery> mine;
    for (auto& q : due(now, SIZE_MAX))
        if (q.key.route == route) mine.push_back(std::move(q));
    // Ties keep due()'s order.
    std::stable_sort(mine.begin(), mine.end(), [&](const auto& a, const auto& b) {
        return goesOutBefore(a, b, oldestFirst);
    });
    if (mine.size() > limit) mine.resize(limit);
    return mine;
}

const char* toString(DeliveryStatus status) noexcept {
    switch (status) {
        case DeliveryStatus::Queued:
            return "queued";
        case DeliveryStatus::Delivered:
            return "delivered";
        case DeliveryStatus::Failed:
            return "failed";
        case DeliveryStatus::Skipped:
            return "skipped";
    }
    return "failed";
}

DeliveryStatus deliveryStatusFromString(std::string_view s) {
    if (s == "queued") return DeliveryStatus::Queued;
    if (s == "delivered") return DeliveryStatus::Delivered;
    if (s == "failed") return DeliveryStatus::Failed;
    if (s == "skipped") return DeliveryStatus::Skipped;
    throw stateError("unknown delivery status '" + std::string(s) + "'");
}

}  // namespace pixsync
