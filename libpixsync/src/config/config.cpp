// The Config model's helpers, shared by every front door.
#include "pixsync/host/config.hpp"

#include <sys/stat.h>

#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

extern char** environ;

namespace pixsync {

namespace {

/// True for keys whose values must never be logged.
bool isSecretKey(std::string_view key) {
    std::string k = toLower(key);
    for (const char* word : {"password", "api_key", "apikey", "token", "secret"})
        if (k.find(word) != std::string::npos && k.find("_file") == std::string::npos &&
            k.find("command") == std::string::npos)
            return true;
    return false;
}

}  // namespace

Environment processEnvironment() {
    Environment env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view kv(*e);
        auto eq = kv.find('=');
        if (eq == kv.npos) continue;
        env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
    return env;
}

void Config::warnIfReadableByOthers(const std::filesystem::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return;
    if (st.st_mode & (S_IRGRP | S_IROTH))
        warnings.push_back(cat(file.string(),
                               " holds secrets and can be read by other users; run: chmod 600 ",
                               file.string()));
}

void Config::addSecretsFrom(const Options& options) {
    options.visitStrings([&](std::string_view key, std::string_view value) {
        if (isSecretKey(key) && !value.empty()) secrets.emplace_back(value);
        // A URL's password (https://user:password@host/...) is a secret whatever its key.
        if (const UrlUserInfo info = splitUserInfo(value); !info.password.empty())
            secrets.push_back(info.password);
    });
}

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

}  // namespace pixsync
