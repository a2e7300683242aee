// The StateStore contract's default behaviour, defined once here (this is also where the
// interface's vtable lives), and the names of delivery statuses as stores keep them.
#include "pixsync/state_store.hpp"

#include <string>

#include "pixsync/error.hpp"

namespace pixsync {

std::vector<RecentDelivery> StateStore::recentDeliveries(std::size_t) { return {}; }

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
