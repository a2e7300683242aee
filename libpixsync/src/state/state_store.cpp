// The StateStore contract's default behaviour, defined once here (this is also where the
// interface's vtable lives).
#include "pixsync/state_store.hpp"

namespace pixsync {

std::vector<RecentDelivery> StateStore::recentDeliveries(std::size_t) { return {}; }

}  // namespace pixsync
