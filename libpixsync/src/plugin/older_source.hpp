#pragma once
// A source made by a plugin built before ABI 2.6, whose vtable ends before the calls added
// since (localMedia() in 2.4, fetchFor() in 2.6): calling a slot the plugin does not have would
// jump into whatever follows its table. The host wraps such a source so every call it makes
// is one the plugin knows.

#include <cstdint>
#include <memory>

#include "pixsync/source.hpp"

namespace pixsync {

/// `source` as a source of this ABI; the calls the plugin did not have get their defaults.
std::unique_ptr<Source> adaptOlderSource(std::unique_ptr<Source> source, std::uint32_t abiMinor);

}  // namespace pixsync
