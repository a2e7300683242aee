#pragma once
// A sink made by a plugin built before ABI 2.6, whose vtable ends at check() (no
// frameBox()): the host wraps it so that it never calls a slot the plugin does not have.

#include <cstdint>
#include <memory>

#include "pixsync/sink.hpp"

namespace pixsync {

/// `sink` as a sink of this ABI; the calls the plugin did not have get their defaults.
std::unique_ptr<Sink> adaptOlderSink(std::unique_ptr<Sink> sink, std::uint32_t abiMinor);

}  // namespace pixsync
