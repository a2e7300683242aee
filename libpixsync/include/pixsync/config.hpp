#pragma once
/// @file config.hpp
/// The configuration model and its two front doors:
/// 1. the original service's files: `.env` (the process environment wins over it) plus
///    `pixstar_mapping.json` and `STATE_PATH`, unchanged;
/// 2. a native JSON config (comments allowed) naming plugins and their options, with
///    `${VAR}` substitution from the environment and `*_file` variants for secrets.
/// Both produce the same Config, validated before anything runs.

#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "pixsync/engine.hpp"
#include "pixsync/option_declaration.hpp"
#include "pixsync/options.hpp"
#include "pixsync/sink.hpp"

namespace pixsync {

/// Environment variables by name.
using Environment = std::map<std::string, std::string>;

/// The current process environment.
Environment processEnvironment();

/// Parses a `.env` file: KEY=VALUE lines, `#` comments, optional `export `, single or double
/// quotes around values. Throws a Config error naming the file and line for anything else.
Environment parseEnvFile(const std::filesystem::path& file);

/// A configured plugin instance.
struct PluginInstance {
    std::string name;    ///< the instance's name (what routes refer to)
    std::string plugin;  ///< the plugin's name ("immich", "pixstar", "sqlite", ...)
    Options options;
    /// Keys passed on without being checked against the plugin's declarations: variables
    /// that came only from the process environment, which other programs share. An unknown
    /// one is a warning, not an error.
    std::vector<std::string> unchecked = {};
};

/// A configured route.
struct RouteConfig {
    std::string id;
    std::string label;
    std::string source;     ///< name of a source instance (its options are the template)
    Options sourceOptions;  ///< merged over the source instance's options for this route
    std::string sink;       ///< name of a sink instance
    std::vector<Destination> destinations;
    std::string where;  ///< "file: routes[2]" or "pixstar_mapping.json: accounts[2] (jane@…)"
};

/// Everything pixsync needs to run.
struct Config {
    /// What the configuration was read from, for messages ("/srv/pixsync/pixsync.json" or
    /// "/opt/sync/.env + /opt/sync/pixstar_mapping.json").
    std::string origin;
    bool originalFormat = false;    ///< read from the original service's files
    std::filesystem::path baseDir;  ///< folder relative paths resolve against

    PluginInstance state;
    std::vector<PluginInstance> sources;
    std::vector<PluginInstance> sinks;
    std::vector<RouteConfig> routes;
    std::vector<std::filesystem::path> pluginDirs;

    EngineSettings engine;
    Duration pollInterval = std::chrono::seconds(300);
    std::filesystem::path logFile;  ///< empty: no log file
    bool logFileIsDefault = false;  ///< logFile is the .env default, not set by the user
    std::uint64_t logMaxBytes = 5 * 1024 * 1024;
    unsigned logKeep = 2;
    std::string logLevel = "info";
    /// The status page's token (`listen_token`, PIXSYNC_LISTEN_TOKEN); needed for a --listen
    /// address other than loopback. Empty: none.
    std::string listenToken;
    /// Bytes of thumbnails kept for the status page (`thumbnails_mb`, PIXSYNC_THUMBNAILS_MB);
    /// 0: none.
    std::uint64_t thumbnailBytes = 20 * 1024 * 1024;

    /// Values that must never be logged (keys, passwords, tokens).
    std::vector<std::string> secrets;
    /// Problems worth a warning that do not stop pixsync (e.g. a secret file others can read).
    std::vector<std::string> warnings;

    /// The instance with this name, or nullptr.
    const PluginInstance* findSource(const std::string& name) const;
    const PluginInstance* findSink(const std::string& name) const;
};

/// The core's own keys, declared like a plugin's options, by where they are written
/// ("native config: routes[]", ".env", "pixstar_mapping.json: accounts[]", ...).
struct DeclaredSection {
    const char* name;
    std::span<const OptionDeclaration> options;
};
std::span<const DeclaredSection> coreOptionDeclarations() noexcept;

/// The original's .env prefixes: a variable starting with one of them that nothing declares
/// is a configuration error (a typo such as SMTP_PASWORD). Others are left alone.
std::span<const char* const> environmentPrefixes() noexcept;

/// Where to look for configuration.
struct ConfigRequest {
    std::filesystem::path configFile;  ///< --config: a native config
    std::filesystem::path envFile;     ///< --env-file: the original's .env (default ./.env)
    std::filesystem::path workDir;     ///< folder to look in when nothing is given (default cwd)
    Environment environment;           ///< the process environment (wins over .env)
};

/// Loads and validates the configuration: a native config when `configFile` is set (or
/// PIXSYNC_CONFIG is), otherwise the original's files. Throws Error(Config) naming the file,
/// the key or account, and the fix.
Config loadConfig(const ConfigRequest& request);

/// The native front door.
Config loadNativeConfig(const std::filesystem::path& file, const Environment& env);

/// The original service's front door: `.env` (optional when the environment carries the
/// keys) + PIXSTAR_MAPPING_PATH + STATE_PATH.
Config loadOriginalConfig(const std::filesystem::path& envFile, const Environment& processEnv);

}  // namespace pixsync
