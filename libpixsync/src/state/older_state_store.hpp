#pragma once
// A state store made by a plugin built before ABI 2.7, whose vtable ends before
// dueForRoute() (before 2.3 also before recentDeliveries()): calling a missing slot would jump
// into whatever follows the table. The host wraps such a store so every call it makes is one
// the plugin knows.

#include <cstdint>
#include <memory>

#include "pixsync/state_store.hpp"

namespace pixsync {

/// `store` as a store of this ABI; the calls the plugin did not have get their defaults.
std::unique_ptr<StateStore> adaptOlderStateStore(std::unique_ptr<StateStore> store,
                                                 std::uint32_t abiMinor);

}  // namespace pixsync
