#pragma once
// The core's declared keys, by the object they belong to (see core_options.cpp).

#include <span>

#include "pixsync/host/config.hpp"

namespace pixsync::core_options {

std::span<const OptionDeclaration> topLevel() noexcept;
std::span<const OptionDeclaration> instance() noexcept;
std::span<const OptionDeclaration> route() noexcept;
std::span<const OptionDeclaration> destination() noexcept;
std::span<const OptionDeclaration> log() noexcept;

}  // namespace pixsync::core_options
