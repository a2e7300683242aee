#pragma once
// Reading configuration files and secret files, with a bound on their size.

#include <cstdint>
#include <filesystem>
#include <string>

namespace pixsync::config_detail {

/// The most a configuration file (.env, mapping, native config) may hold, and a secret file.
inline constexpr std::uint64_t kMaxConfigFileBytes = 4 * 1024 * 1024;
inline constexpr std::uint64_t kMaxSecretFileBytes = 64 * 1024;

/// The whole configuration file. Throws Error(Config) naming it when it cannot be read or
/// holds more than kMaxConfigFileBytes (a wrong path: a photo, a disk image).
std::string readConfigFile(const std::filesystem::path& file);

}  // namespace pixsync::config_detail
