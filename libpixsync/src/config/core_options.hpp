#pragma once
// The core's declared keys, by the object they belong to (see core_options.cpp).

#include <span>

#include "pixsync/config.hpp"

namespace pixsync::core_options {

std::span<const OptionDeclaration> topLevel() noexcept;
std::span<const OptionDeclaration> instance() noexcept;
std::span<const OptionDeclaration> route() noexcept;
std::span<const OptionDeclaration> destination() noexcept;
std::span<const OptionDeclaration> log() noexcept;
/// The original's .env keys that no plugin reads, in lower case.
std::span<const OptionDeclaration> environment() noexcept;
std::span<const OptionDeclaration> mapping() noexcept;
std::span<const OptionDeclaration> account() noexcept;

}  // namespace pixsync::core_options
