// The original service's front door: .env + pixstar_mapping.json + STATE_PATH, unchanged.
//
// The environment is handed to plugins mechanically: every IMMICH_* variable becomes an
// option of the "immich" source, every SMTP_* and PIXSTAR_* variable an option of the
// "pixstar" sink, named in lower case (SMTP_PORT -> smtp_port). So a plugin that learns a new
// setting needs no change here, and the native config uses the same names. Each variable is
// checked against what its reader declares: this front door (original_options.cpp) or the
// plugin.
#include "original_config.hpp"

#include <algorithm>
#include <set>

#include "original_options.hpp"
#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::original {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSourceName = "immich";
constexpr const char* kSinkName = "pixstar";
// The immich source's route options, which the original's accounts cannot carry.
constexpr const char* kRouteOptions[] = {"album",      "tag",         "person",      "favorites",
                                         "min_rating", "taken_after", "taken_before"};

constexpr const char* kPrefixes[] = {"IMMICH_", "SMTP_",  "PIXSTAR_",   "STATE_",
                                     "LOG_",    "POLL_",  "RECONCILE_", "RETRY_",
                                     "MAX_",    "START_", "PIXSYNC_"};

bool hasPrefix(const std::string& key, std::initializer_list<std::string_view> prefixes) {
    return std::any_of(prefixes.begin(), prefixes.end(),
                       [&](std::string_view p) { return key.rfind(p, 0) == 0; });
}

bool isPixsyncKey(const std::string& key) {
    return std::any_of(std::begin(kPrefixes), std::end(kPrefixes),
                       [&](const char* p) { return key.rfind(p, 0) == 0; });
}

/// Read by this front door itself (not passed to a plugin).
bool isFrontDoorKey(const std::string& key) {
    return findDeclaration(environmentOptions(), toLower(key)) != nullptr;
}

std::string get(const Environment& env, const std::string& key, const std::string& fallback = {}) {
    auto it = env.find(key);
    return it == env.end() || trim(it->second).empty() ? fallback : trim(it->second);
}

/// A plugin instance whose options are the variables with these prefixes, in lower case.
/// Variables that only the process environment has are passed on unchecked: other programs
/// share it (the .env file's own keys are checked).
PluginInstance instanceFromEnvironment(const std::string& plugin, const Environment& env,
                                       const Environment& fromFile,
                                       std::initializer_list<std::string_view> prefixes,
                                       const std::string& origin, const fs::path& baseDir) {
    PluginInstance instance{plugin, plugin, {}};
    Options& o = instance.options;
    for (const auto& [key, value] : env) {
        if (!hasPrefix(key, prefixes) || isFrontDoorKey(key)) continue;
        o.set(toLower(key), value);
        if (!fromFile.contains(key)) {
            instance.unchecked.push_back(toLower(key));
            o.placeKey(toLower(key), "the environment: " + key);
        }
    }
    o.describe(origin, KeyStyle::Env, baseDir);
    return instance;
}

/// The .env file's variables that this front door reads, and any with a pixsync prefix that no
/// plugin reads either: unknown names (a typo) and bad values stop pixsync here.
void checkFrontDoorKeys(const Environment& fromFile, const std::string& origin,
                        const fs::path& baseDir) {
    Options o;
    for (const auto& [key, value] : fromFile)
        if (isPixsyncKey(key) &&
            (isFrontDoorKey(key) || !hasPrefix(key, {"IMMICH_", "SMTP_", "PIXSTAR_"})))
            o.set(toLower(key), value);
    o.describe(origin, KeyStyle::Env, baseDir);
    validateOptions(
        o, environmentOptions(),
        {.owner = "pixsync", .reference = "the README's .env table", .checkRequired = false});
}

/// " (IMMICH_BASEURL is set: a typo?)" when the file has a near miss of a missing key.
std::string nearMiss(const Environment& fromFile, const std::string& wanted) {
    for (const auto& [key, value] : fromFile)
        if (key != wanted && closestName(key, {wanted}) == wanted)
            return cat(" (", key, " is set: a typo?)");
    return {};
}

fs::path resolve(const fs::path& base, const std::string& p) {
    fs::path path(p);
    return path.is_relative() ? base / path : path;
}

std::int64_t envInteger(const Environment& env, const std::string& key, std::int64_t fallback,
                        std::int64_t min, std::int64_t max, const std::string& origin) {
    Options o;
    if (auto v = get(env, key); !v.empty()) o.set(toLower(key), v);
    o.describe(origin, KeyStyle::Env, {});
    return o.integer(toLower(key), fallback, min, max);
}

bool envBoolean(const Environment& env, const std::string& key, bool fallback,
                const std::string& origin) {
    Options o;
    if (auto v = get(env, key); !v.empty()) o.set(toLower(key), v);
    o.describe(origin, KeyStyle::Env, {});
    return o.boolean(toLower(key), fallback);
}

/// Reads pixstar_mapping.json into routes, with messages that name the account.
void readMapping(Config& config, const fs::path& mappingPath) {
    std::error_code ec;
    if (!fs::exists(mappingPath, ec))
        throw configError(cat(mappingPath.string(),
                              ": not found. Create it (see examples/original/pixstar_mapping.json) "
                              "or set PIXSTAR_MAPPING_PATH in .env"));
    Options mapping = Options::load(mappingPath);
    const std::string file = mappingPath.string();
    validateOptions(mapping, mappingOptions(),
                    {.owner = "pixstar_mapping.json",
                     .reference = "examples/original/pixstar_mapping.json",
                     .checkRequired = false});
    std::vector<std::string> defaults = mapping.stringList("defaultPixstarEmails");
    for (std::size_t i = 0; i < defaults.size(); ++i)
        if (!isEmailAddress(trim(defaults[i])))
            throw configError(cat(file, ": defaultPixstarEmails[", i, "] '", defaults[i],
                                  "' is not an e-mail address (expected name@mypixstar.com)"));
    if (!mapping.has("accounts"))
        throw configError(file +
                          ": \"accounts\" is missing: list each Immich user with immichUser, "
                          "immichApiKey and pixstarEmails");
    auto accounts = mapping.objectList("accounts");
    if (accounts.empty())
        throw configError(file + ": \"accounts\" is empty: add at least one Immich user");
    std::set<std::string> users;
    for (std::size_t i = 0; i < accounts.size(); ++i) {
        const Options& a = accounts[i];
        const std::string at = cat(file, ": accounts[", i, "]");
        auto user = a.optionalString("immichUser");
        const std::string account =
            user && !trim(*user).empty() ? cat(at, " (", trim(*user), ")") : at;
        // What a route follows (an album, a tag, ...) is set in a native config only. Ignoring
        // such a key here would quietly send the user's favorites instead.
        for (const char* option : kRouteOptions)
            if (a.has(option))
                throw configError(cat(account, ": \"", option,
                                      "\" is an option of a native config's route "
                                      "(source_options); pixstar_mapping.json has no place for "
                                      "it. Move to a native config (see examples/pixsync.json) "
                                      "or remove it"));
        // An unknown key (a typo such as pixstarEmail) would otherwise be ignored and the
        // account's photos sent to defaultPixstarEmails.
        validateOptions(a, accountOptions(),
                        {.owner = "an account (immichUser, immichApiKey, pixstarEmails)",
                         .reference = "examples/original/pixstar_mapping.json",
                         .checkRequired = false});
        if (!user || trim(*user).empty())
            throw configError(
                at + ": immichUser is missing: set it to the Immich login e-mail of this user");
        if (!isEmailAddress(trim(*user)))
            throw configError(account + ": immichUser must be the user's Immich login e-mail");
        if (!users.insert(trim(*user)).second)
            throw configError(account + ": this immichUser appears twice; merge the two entries");
        auto key = a.optionalString("immichApiKey");
        if (!key || trim(*key).empty())
            throw configError(account +
                              ": immichApiKey is missing: create an API key in Immich "
                              "(Account Settings > API Keys) while logged in as this user");
        std::vector<std::string> frames = a.stringList("pixstarEmails");
        if (frames.empty()) frames = defaults;
        if (frames.empty())
            throw configError(account +
                              ": has no pixstarEmails and defaultPixstarEmails is empty: "
                              "add this user's frame address(es)");
        RouteConfig route;
        route.id = trim(*user);
        route.label = route.id;
        route.source = kSourceName;
        route.sink = kSinkName;
        route.where = account;
        route.sourceOptions.set("user", route.id).set("api_key", trim(*key));
        route.sourceOptions.describe(file, KeyStyle::Json, mappingPath.parent_path());
        // Messages about these name what the user wrote, not the immich source's option names.
        route.sourceOptions.placeKey("user", at + ".immichUser");
        route.sourceOptions.placeKey("api_key", at + ".immichApiKey");
        std::set<std::string> seen;
        for (std::size_t f = 0; f < frames.size(); ++f) {
            std::string address = trim(frames[f]);
            if (!isEmailAddress(address))
                throw configError(cat(account, ": pixstarEmails[", f, "] '", frames[f],
                                      "' is not an e-mail address (expected name@mypixstar.com)"));
            if (seen.insert(address).second) route.destinations.push_back({address, {}});
        }
        config.secrets.push_back(trim(*key));
        config.routes.push_back(std::move(route));
    }
}

}  // namespace

Config loadConfig(const fs::path& envFile, const Environment& processEnv) {
    Environment fromFile;
    std::error_code ec;
    const bool haveFile = fs::exists(envFile, ec);
    if (haveFile) fromFile = parseEnvFile(envFile);
    Environment env = fromFile;
    // The process environment wins over the file, as with the original service.
    for (const auto& [k, v] : processEnv) env[k] = v;

    Config config;
    for (const auto& d : environmentOptions()) config.frontDoorKeys.emplace_back(d.name);
    config.baseDir = fs::absolute(envFile).parent_path();
    const std::string envOrigin = haveFile ? envFile.string() : std::string("the environment");
    if (get(env, "IMMICH_BASE_URL").empty()) {
        if (!haveFile)
            throw configError(
                cat("no configuration found: ", envFile.string(),
                    " does not exist. Run pixsync in the folder holding your .env and "
                    "pixstar_mapping.json, or pass --env-file FILE or --config FILE"));
        throw configError(envOrigin + ": IMMICH_BASE_URL is missing" +
                          nearMiss(fromFile, "IMMICH_BASE_URL") +
                          ": set it to your Immich server's API address, e.g. "
                          "IMMICH_BASE_URL=http://192.168.1.50:2283/api");
    }
    checkFrontDoorKeys(fromFile, envOrigin, config.baseDir);
    if (haveFile) config.warnIfReadableByOthers(envFile);

    const fs::path mappingPath =
        resolve(config.baseDir, get(env, "PIXSTAR_MAPPING_PATH", "pixstar_mapping.json"));
    const fs::path statePath =
        resolve(config.baseDir, get(env, "STATE_PATH", "pixstar_sync_state.json"));
    config.origin = cat(envOrigin, " + ", mappingPath.string());

    readMapping(config, mappingPath);
    config.warnIfReadableByOthers(mappingPath);

    config.sources.push_back(instanceFromEnvironment(kSourceName, env, fromFile, {"IMMICH_"},
                                                     envOrigin, config.baseDir));
    config.sinks.push_back(instanceFromEnvironment(kSinkName, env, fromFile, {"SMTP_", "PIXSTAR_"},
                                                   envOrigin, config.baseDir));
    config.listenToken = get(env, "PIXSYNC_LISTEN_TOKEN");
    for (const auto& key : {"IMMICH_API_KEY", "SMTP_PASSWORD", "PIXSYNC_LISTEN_TOKEN"})
        if (auto v = get(env, key); !v.empty()) config.secrets.push_back(v);
    config.addSecretsFrom(config.sources.back().options);
    config.addSecretsFrom(config.sinks.back().options);

    const std::string backend = toLower(get(env, "STATE_BACKEND", "sqlite"));
    Options state;
    if (backend == "json") {
        config.state = {"state", "json", state.set("path", statePath.string())};
    } else if (backend == "sqlite") {
        // pixsync keeps its own database beside the original's file and imports that file once.
        state.set("path", (statePath.parent_path() / "pixsync_state.db").string())
            .set("import_original", statePath.string());
        config.state = {"state", "sqlite", state};
    } else {
        throw configError(envOrigin + ": STATE_BACKEND is '" + backend +
                          "': use sqlite (the default) or json");
    }
    config.state.options.describe(envOrigin, KeyStyle::Env, config.baseDir);

    config.pollInterval = std::chrono::seconds(
        envInteger(env, "POLL_INTERVAL_SECONDS", 300, 10, 7 * 24 * 3600, envOrigin));
    config.engine.reconcileInterval =
        std::chrono::hours(envInteger(env, "RECONCILE_HOURS", 24, 1, 24 * 365, envOrigin));
    config.engine.maxAttempts =
        static_cast<int>(envInteger(env, "MAX_ATTEMPTS", 10, 1, 1000, envOrigin));
    config.engine.startFromNow = envBoolean(env, "START_FROM_NOW", false, envOrigin);
    config.engine.backoffBase =
        std::chrono::seconds(envInteger(env, "RETRY_BASE_SECONDS", 300, 1, 24 * 3600, envOrigin));
    config.engine.oldestFirst = toLower(get(env, "QUEUE_ORDER", "newest")) == "oldest";
    config.engine.photosAhead =
        static_cast<std::size_t>(envInteger(env, "PHOTOS_AHEAD", 1, 0, 4, envOrigin));
    config.logFile = resolve(config.baseDir, get(env, "LOG_FILE", "immich-pixstar.log"));
    config.logFileIsDefault = get(env, "LOG_FILE").empty();
    config.logLevel = get(env, "LOG_LEVEL", "info");
    config.logMaxBytes =
        static_cast<std::uint64_t>(envInteger(env, "LOG_MAX_MB", 5, 1, 1024, envOrigin)) << 20;
    config.logKeep = static_cast<unsigned>(envInteger(env, "LOG_KEEP", 2, 1, 100, envOrigin));
    config.thumbnailBytes =
        static_cast<std::uint64_t>(envInteger(env, "PIXSYNC_THUMBNAILS_MB", 20, 0, 1024, envOrigin))
        << 20;
    if (auto dirs = get(env, "PIXSYNC_PLUGIN_PATH"); !dirs.empty())
        for (const auto& d : split(dirs, ':'))
            if (!d.empty()) config.pluginDirs.push_back(resolve(config.baseDir, d));
    return config;
}

}  // namespace pixsync::original
