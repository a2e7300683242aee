#include "app.hpp"

#include "original/original_config.hpp"
#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::cli {

App::App(GlobalOptions o) : options(std::move(o)) {
    const auto stream = environment.find("JOURNAL_STREAM");
    journal = stream != environment.end() && stderrIsJournal(stream->second);
    if (journal) terminal->useJournalFormat();
    log.addOutput(terminal);
    log.setLevel(options.logLevel.empty() ? LogLevel::Info : logLevelFromString(options.logLevel));
}

Config App::loadConfig() {
    std::filesystem::path configFile = options.configFile;
    if (auto it = environment.find("PIXSYNC_CONFIG");
        configFile.empty() && it != environment.end() && !it->second.empty())
        configFile = it->second;
    originalFrontDoor = configFile.empty();
    Config config = originalFrontDoor
                        ? original::loadConfig(options.envFile.empty()
                                                   ? std::filesystem::current_path() / ".env"
                                                   : std::filesystem::path(options.envFile),
                                               environment)
                        : loadNativeConfig(configFile, environment);
    if (options.logLevel.empty()) log.setLevel(logLevelFromString(config.logLevel));
    for (const auto& s : config.secrets) log.addSecret(s);
    for (const auto& w : config.warnings) log.warning(w);
    return config;
}

void App::loadPlugins(const std::vector<std::filesystem::path>& configDirs) {
    std::vector<std::filesystem::path> dirs(options.pluginDirs.begin(), options.pluginDirs.end());
    dirs.insert(dirs.end(), configDirs.begin(), configDirs.end());
    for (const auto& d : options.pluginDirs)
        if (!std::filesystem::is_directory(d))
            throw usageError(cat("--plugin-dir ", d, ": no such folder"));
    auto it = environment.find("PIXSYNC_PLUGIN_PATH");
    auto path = pluginSearchPath(dirs, it == environment.end() ? nullptr : it->second.c_str());
    registry.setSearchPath(path);
    std::vector<std::string> shown;
    for (const auto& d : path) shown.push_back(d.string());
    log.debug(
        cat("plugin search path: ", shown.empty() ? std::string("(none)") : join(shown, ":")));
}

void App::loadAllPlugins(const std::vector<std::filesystem::path>& configDirs) {
    loadPlugins(configDirs);
    auto it = environment.find("PIXSYNC_PLUGIN_PATH");
    std::vector<std::filesystem::path> dirs(options.pluginDirs.begin(), options.pluginDirs.end());
    dirs.insert(dirs.end(), configDirs.begin(), configDirs.end());
    std::vector<std::string> problems;
    registry.loadAll(pluginSearchPath(dirs, it == environment.end() ? nullptr : it->second.c_str()),
                     &problems);
    for (const auto& p : problems) log.warning(p);
}

void App::openLogFile(const Config& config) {
    if (config.logFile.empty()) return;
    // Under systemd the journal keeps the log; a file too only when asked for by name.
    if (journal && config.logFileIsDefault) return;
    log.addOutput(makeRotatingFileOutput(config.logFile, config.logMaxBytes, config.logKeep));
}

}  // namespace pixsync::cli
