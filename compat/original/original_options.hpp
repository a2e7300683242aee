#pragma once
// The original's own keys, by the object they belong to (see original_options.cpp).

#include <span>

#include "original_config.hpp"

namespace pixsync::original {

/// The .env keys no plugin reads, in lower case.
std::span<const OptionDeclaration> environmentOptions() noexcept;
std::span<const OptionDeclaration> mappingOptions() noexcept;
std::span<const OptionDeclaration> accountOptions() noexcept;

}  // namespace pixsync::original
