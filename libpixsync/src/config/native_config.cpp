// The native front door: one JSON file (comments allowed) naming plugins and their options.
#include <set>
#include <sstream>

#include "config_file.hpp"
#include "core_options.hpp"
#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync {

namespace fs = std::filesystem;

namespace {

/// Replaces ${VAR} and ${VAR:-default} with the variable's value, JSON-escaped (so a value
/// with quotes or backslashes cannot break out of its string). $$ stands for a literal $.
std::string substitute(const std::string& text, const Environment& env, const std::string& file) {
    std::string out;
    out.reserve(text.size());
    int line = 1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\n') ++line;
        if (c == '$' && i + 1 < text.size() && text[i + 1] == '$') {
            out += '$';
            ++i;
            continue;
        }
        if (c != '$' || i + 1 >= text.size() || text[i + 1] != '{') {
            out += c;
            continue;
        }
        auto end = text.find('}', i + 2);
        if (end == std::string::npos)
            throw configError(cat(file, ": line ", line, ": '${' without a closing '}'"));
        std::string expr = text.substr(i + 2, end - i - 2);
        std::string name = expr, fallback;
        bool hasFallback = false;
        if (auto d = expr.find(":-"); d != std::string::npos) {
            name = expr.substr(0, d);
            fallback = expr.substr(d + 2);
            hasFallback = true;
        }
        std::string value;
        if (auto it = env.find(name); it != env.end() && !it->second.empty())
            value = it->second;
        else if (hasFallback)
            value = fallback;
        else
            throw configError(cat(file, ": line ", line, ": ${", name,
                                  "} is not set in the environment "
                                  "(export it, or write ${",
                                  name, ":-default})"));
        for (char v : value) {
            switch (v) {
                case '"':
                    out += "\\\"";
                    break;
                case '\\':
                    out += "\\\\";
                    break;
                case '\n':
                    out += "\\n";
                    break;
                case '\r':
                    out += "\\r";
                    break;
                case '\t':
                    out += "\\t";
                    break;
                default:
                    if (static_cast<unsigned char>(v) < 0x20) continue;
                    out += v;
            }
        }
        i = end;
    }
    return out;
}

/// Unknown keys and wrong values in one of the core's objects. Required keys keep their own,
/// more specific messages below.
void checkKeys(const Options& o, std::span<const OptionDeclaration> declared, const char* owner) {
    validateOptions(
        o, declared,
        {.owner = owner, .reference = "the README's \"Native config\"", .checkRequired = false});
}

PluginInstance readInstance(const Options& o, const char* defaultName) {
    checkKeys(o, core_options::instance(), "a plugin instance (name, plugin, options)");
    PluginInstance p;
    p.plugin = o.string("plugin");
    p.name = o.string("name", defaultName ? defaultName : p.plugin);
    p.options = o.object("options");
    return p;
}

std::vector<PluginInstance> readInstances(const Options& root, const char* key) {
    std::vector<PluginInstance> out;
    std::set<std::string> names;
    auto list = root.objectList(key);
    for (const auto& o : list) {
        auto p = readInstance(o, nullptr);
        if (!names.insert(p.name).second)
            throw configError(cat(o.where("name"), ": two ", key, " are named '", p.name,
                                  "'; give each a distinct \"name\""));
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace

Config loadNativeConfig(const fs::path& file, const Environment& env) {
    Options root =
        Options::parse(substitute(readConfigFile(file), env, file.string()), file.string());

    Config config;
    config.origin = file.string();
    config.baseDir = fs::absolute(file).parent_path();
    root.describe(file.string(), KeyStyle::Json, config.baseDir);
    checkKeys(root, core_options::topLevel(), "a native config");

    if (!root.has("state"))
        throw configError(
            file.string() +
            ": \"state\" is missing: add the state store, \"state\": {\"plugin\": NAME, "
            "\"options\": {...}} (`pixsync plugins` lists the state plugins; see "
            "examples/pixsync.json)");
    config.state = readInstance(root.object("state"), "state");
    config.sources = readInstances(root, "sources");
    config.sinks = readInstances(root, "sinks");
    if (config.sources.empty())
        throw configError(file.string() + ": \"sources\" is missing or empty");
    if (config.sinks.empty()) throw configError(file.string() + ": \"sinks\" is missing or empty");

    auto routes = root.objectList("routes");
    if (routes.empty()) throw configError(file.string() + ": \"routes\" is missing or empty");
    std::set<std::string> ids;
    for (const auto& r : routes) {
        checkKeys(r, core_options::route(), "a route");
        RouteConfig route;
        route.where = r.where();
        route.id = r.string("id");
        if (!ids.insert(route.id).second)
            throw configError(cat(r.where("id"), ": the route id '", route.id, "' is used twice"));
        route.label = r.string("label", route.id);
        route.source = r.string("source", config.sources.size() == 1 ? config.sources[0].name : "");
        if (route.source.empty())
            throw configError(r.where("source") + " is missing: name one of the sources");
        if (!config.findSource(route.source))
            throw configError(cat(r.where("source"), ": no source is named '", route.source, "'"));
        route.sink = r.string("sink", config.sinks.size() == 1 ? config.sinks[0].name : "");
        if (route.sink.empty())
            throw configError(r.where("sink") + " is missing: name one of the sinks");
        if (!config.findSink(route.sink))
            throw configError(cat(r.where("sink"), ": no sink is named '", route.sink, "'"));
        route.sourceOptions = r.object("source_options");
        // Destinations are strings, or objects {"address": ..., "profile": ...}.
        if (!r.has("destinations"))
            throw configError(r.where("destinations") +
                              " is missing: list the frames this route feeds");
        for (const auto& d : r.objectList("destinations", "address")) {
            checkKeys(d, core_options::destination(), "a destination");
            route.destinations.push_back({trim(d.string("address")), d.string("profile", "")});
        }
        if (route.destinations.empty())
            throw configError(r.where("destinations") +
                              " is empty: list the frames this route feeds");
        config.addSecretsFrom(route.sourceOptions);
        config.routes.push_back(std::move(route));
    }
    for (const auto& list : {&config.sources, &config.sinks})
        for (const auto& p : *list) config.addSecretsFrom(p.options);
    config.addSecretsFrom(config.state.options);
    if (!config.secrets.empty()) config.warnIfReadableByOthers(file);

    for (const auto& d : root.stringList("plugin_dirs"))
        config.pluginDirs.push_back(fs::path(d).is_relative() ? config.baseDir / d : fs::path(d));
    config.pollInterval =
        std::chrono::seconds(root.integer("poll_interval_seconds", 300, 10, 7 * 24 * 3600));
    config.engine.reconcileInterval =
        std::chrono::hours(root.integer("reconcile_hours", 24, 1, 24 * 365));
    config.engine.maxAttempts = static_cast<int>(root.integer("max_attempts", 10, 1, 1000));
    config.engine.startFromNow = root.boolean("start_from_now", false);
    config.engine.backoffBase =
        std::chrono::seconds(root.integer("retry_base_seconds", 300, 1, 24 * 3600));
    config.engine.oldestFirst = root.string("queue_order", "newest") == "oldest";
    config.engine.photosAhead = static_cast<std::size_t>(root.integer("photos_ahead", 1, 0, 4));
    Options log = root.object("log");
    checkKeys(log, core_options::log(), "the log settings");
    config.logFile = log.path("file", "");
    config.logLevel = log.string("level", "info");
    config.logMaxBytes = static_cast<std::uint64_t>(log.integer("max_mb", 5, 1, 1024)) << 20;
    config.logKeep = static_cast<unsigned>(log.integer("keep", 2, 1, 100));
    config.listenToken = root.string("listen_token", "");
    config.thumbnailBytes = static_cast<std::uint64_t>(root.integer("thumbnails_mb", 20, 0, 1024))
                            << 20;
    if (!config.listenToken.empty()) config.secrets.push_back(config.listenToken);
    return config;
}

}  // namespace pixsync
