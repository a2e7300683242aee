#include "config_common.hpp"

#include <sys/stat.h>

#include "pixsync/error.hpp"
#include "pixsync/strings.hpp"

namespace pixsync {

namespace config_detail {

void warnIfReadableByOthers(Config& config, const std::filesystem::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return;
    if (st.st_mode & (S_IRGRP | S_IROTH))
        config.warnings.push_back(
            cat(file.string(), " holds secrets and can be read by other users; run: chmod 600 ",
                file.string()));
}

bool isSecretKey(std::string_view key) {
    std::string k = toLower(key);
    for (const char* word : {"password", "api_key", "apikey", "token", "secret"})
        if (k.find(word) != std::string::npos && k.find("_file") == std::string::npos &&
            k.find("command") == std::string::npos)
            return true;
    return false;
}

void collectSecrets(Config& config, const Options& options) {
    options.visitStrings([&](std::string_view key, std::string_view value) {
        if (isSecretKey(key) && !value.empty()) config.secrets.emplace_back(value);
    });
}

}  // namespace config_detail

const PluginInstance* Config::findSource(const std::string& name) const {
    for (const auto& s : sources)
        if (s.name == name) return &s;
    return nullptr;
}

const PluginInstance* Config::findSink(const std::string& name) const {
    for (const auto& s : sinks)
        if (s.name == name) return &s;
    return nullptr;
}

Config loadConfig(const ConfigRequest& request) {
    std::filesystem::path configFile = request.configFile;
    if (configFile.empty()) {
        if (auto it = request.environment.find("PIXSYNC_CONFIG");
            it != request.environment.end() && !it->second.empty())
            configFile = it->second;
    }
    if (!configFile.empty()) return loadNativeConfig(configFile, request.environment);
    std::filesystem::path envFile = request.envFile;
    if (envFile.empty())
        envFile =
            (request.workDir.empty() ? std::filesystem::current_path() : request.workDir) / ".env";
    return loadOriginalConfig(envFile, request.environment);
}

}  // namespace pixsync
