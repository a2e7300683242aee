#pragma once
// The original service's front door, unchanged for its users: `.env` (the process environment
// wins over it) + `pixstar_mapping.json` + `STATE_PATH`, read into the same Config a native
// config gives. This is the one place that knows the original's file names, its variables and
// which plugins stand in for it (the immich source, the pixstar sink, the sqlite or json
// state store); the core knows none of them.

#include <filesystem>
#include <span>

#include "pixsync/host/config.hpp"

namespace pixsync::original {

/// Parses a `.env` file: KEY=VALUE lines, `#` comments, optional `export `, single or double
/// quotes around values. Throws Error(Config) naming the file and line for anything else.
Environment parseEnvFile(const std::filesystem::path& file);

/// Loads `.env` (optional when the environment carries the keys), PIXSTAR_MAPPING_PATH and
/// STATE_PATH. Throws Error(Config) naming the file, the key or account, and the fix.
Config loadConfig(const std::filesystem::path& envFile, const Environment& processEnv);

/// The keys the front door reads itself, by file (".env", "pixstar_mapping.json",
/// "pixstar_mapping.json: accounts[]"); the .env keys are named in lower case.
std::span<const DeclaredSection> optionDeclarations() noexcept;

}  // namespace pixsync::original
