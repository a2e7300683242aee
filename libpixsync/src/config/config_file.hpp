#pragma once
// The bounds on configuration and secret files (readConfigFile() is in config.hpp).

#include <cstdint>

namespace pixsync::config_detail {

/// The most a configuration file may hold, and a secret file.
inline constexpr std::uint64_t kMaxConfigFileBytes = 4 * 1024 * 1024;
inline constexpr std::uint64_t kMaxSecretFileBytes = 64 * 1024;

}  // namespace pixsync::config_detail
