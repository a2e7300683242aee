#pragma once
// Helpers shared by the two configuration front doors.

#include <filesystem>
#include <string>

#include "pixsync/config.hpp"

namespace pixsync::config_detail {

/// Adds a warning when a file holding secrets can be read by group or others.
void warnIfReadableByOthers(Config& config, const std::filesystem::path& file);

/// Registers every value whose key looks secret (password, api key, token, secret).
void collectSecrets(Config& config, const Options& options);

/// True for keys whose values must never be logged.
bool isSecretKey(std::string_view key);

}  // namespace pixsync::config_detail
