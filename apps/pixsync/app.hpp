#pragma once
// What every command shares: the global options, and the steps that turn them into a loaded
// configuration, a plugin registry and a logger.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "pixsync/clock.hpp"
#include "pixsync/host/config.hpp"
#include "pixsync/host/plugin_registry.hpp"
#include "pixsync/log.hpp"
#include "terminal.hpp"

namespace pixsync::cli {

/// Options accepted before or after the subcommand.
struct GlobalOptions {
    std::string configFile;
    std::string envFile;
    std::vector<std::string> pluginDirs;
    std::string logLevel;  ///< empty: the configuration's
};

/// The loaded pieces a command works with.
struct App {
    GlobalOptions options;
    Environment environment = processEnvironment();
    /// Standard error: the log's first output, and where progress bars are drawn.
    std::shared_ptr<Terminal> terminal = std::make_shared<Terminal>();
    /// Standard error goes to systemd's journal (JOURNAL_STREAM).
    bool journal = false;
    Logger log;
    SystemClock clock;
    PluginRegistry registry;

    /// Logs to stderr at the --log-level (info by default).
    App(GlobalOptions o);

    /// Set by loadConfig(): the configuration came from the original service's files.
    bool originalFrontDoor = false;

    /// Loads the configuration, applies its log level and secrets, prints its warnings: a
    /// native config when --config or PIXSYNC_CONFIG names one, otherwise the original
    /// service's .env (--env-file, default ./.env) and mapping.
    Config loadConfig();
    /// Sets where plugins are looked for: --plugin-dir, the config's plugin_dirs,
    /// PIXSYNC_PLUGIN_PATH and the installed folder. Plugins load when first needed.
    void loadPlugins(const std::vector<std::filesystem::path>& configDirs);
    /// Loads every plugin in those folders (for `pixsync plugins`); refused files are logged.
    void loadAllPlugins(const std::vector<std::filesystem::path>& configDirs);
    /// Adds the rotating log file of the configuration.
    void openLogFile(const Config& config);
};

/// Commands. Each returns the process exit code; errors are thrown as pixsync::Error.
/// Without `optionsOf`: one line per plugin found. With it: that plugin's declared options
/// ("pixsync": the core's own keys).
int runPlugins(App& app, const std::string& optionsOf);
int runOnce(App& app, bool dryRun);
int runStatus(App& app, bool json);
/// `sendTestTo`: a frame address to send one test picture to after the checks; empty: none.
int runCheck(App& app, const std::string& sendTestTo = {});
int runResend(App& app, const std::string& user, bool allUsers);
int runStateReset(App& app, bool iKnow);
int runStateBaseline(App& app);

struct RunOptions {
    bool daemon = false;
    std::string pidFile;
    std::string listen;
};
int runDaemon(App& app, const RunOptions& options);

}  // namespace pixsync::cli
