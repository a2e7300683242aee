#pragma once
/// @file config.hpp
/// The configuration model and its native front door: a JSON config (comments allowed)
/// naming plugins and their options, with `${VAR}` substitution from the environment and
/// `*_file` variants for secrets. Other front doors (the pixsync command also reads the
/// original service's `.env` + mapping, see compat/original) produce the same Config with the
/// helpers below; the Pipeline validates it against the plugins' declarations before
/// anything runs.

#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "pixsync/host/engine.hpp"
#include "pixsync/option_declaration.hpp"
#include "pixsync/options.hpp"
#include "pixsync/sink.hpp"

namespace pixsync {

/// Environment variables by name.
using Environment = std::map<std::string, std::string>;

/// The current process environment.
Environment processEnvironment();

/// The whole content of a configuration file, at most 4 MiB. Throws Error(Config) naming the
/// file when it cannot be read or is larger (a wrong path: a photo, a disk image, /dev/zero).
std::string readConfigFile(const std::filesystem::path& file);

/// A configured plugin instance.
struct PluginInstance {
    std::string name;    ///< the instance's name (what routes refer to)
    std::string plugin;  ///< the plugin's name
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
    std::string where;  ///< where it was configured, for messages ("file: routes[2]")
};

/// Everything pixsync needs to run.
struct Config {
    /// What the configuration was read from, for messages ("/srv/pixsync/pixsync.json"; a
    /// front door reading several files joins them with " + ").
    std::string origin;
    /// The front door's own keys, named as plugin options are (an environment file's
    /// SMTP_PORT is `smtp_port`). A plugin option that is a near miss of one is reported as a
    /// likely misspelling of it.
    std::vector<std::string> frontDoorKeys;
    std::filesystem::path baseDir;  ///< folder relative paths resolve against

    PluginInstance state;
    std::vector<PluginInstance> sources;
    std::vector<PluginInstance> sinks;
    std::vector<RouteConfig> routes;
    std::vector<std::filesystem::path> pluginDirs;

    EngineSettings engine;
    Duration pollInterval = std::chrono::seconds(300);
    std::filesystem::path logFile;  ///< empty: no log file
    bool logFileIsDefault = false;  ///< logFile is a front door's default, not set by the user
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

    /// Registers every value of `options` whose key looks secret (password, api key, token,
    /// secret) in `secrets`.
    void addSecretsFrom(const Options& options);
    /// Adds a warning when `file`, which holds secrets, can be read by group or others.
    void warnIfReadableByOthers(const std::filesystem::path& file);
};

/// The native config's keys, declared like a plugin's options, by the object they belong to
/// ("native config: routes[]", ...).
struct DeclaredSection {
    const char* name;
    std::span<const OptionDeclaration> options;
};
std::span<const DeclaredSection> coreOptionDeclarations() noexcept;

/// The native front door.
Config loadNativeConfig(const std::filesystem::path& file, const Environment& env);

}  // namespace pixsync
