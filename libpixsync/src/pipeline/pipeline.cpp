#include "pixsync/host/pipeline.hpp"

#include "engine/plugin_call.hpp"
#include "pixsync/error.hpp"
#include "pixsync/host/config.hpp"
#include "pixsync/util/strings.hpp"
#include "plugin/older_sink.hpp"
#include "plugin/older_source.hpp"
#include "state/older_state_store.hpp"

namespace pixsync {

namespace {

/// Adds the configuration's location to a plugin's refusal, so the message names the file.
[[noreturn]] void rethrowWithPlace(const Error& e, const std::string& where,
                                   const std::string& origin) {
    std::string what = e.what();
    if (what.find(where) != std::string::npos) throw e;
    // A message that starts with one of the configuration's files already says where: an
    // option's own place ("/srv/pixsync.json: sinks[0].options.port") is the one to correct.
    for (const auto& part : split(origin, '+'))
        if (!trim(part).empty() && what.starts_with(trim(part) + ": ")) throw e;
    throw Error(e.kind(), where + ": " + what);
}

/// Checks one instance's options against its plugin's declarations (a plugin that declares
/// none is not checked). Keys the configuration passed on unchecked only get a warning when
/// unknown.
void checkDeclared(const Config& config, const LoadedPlugin& plugin, const PluginInstance& instance,
                   const Options& options, bool checkRequired, const Logger& log) {
    const auto declared = declaredOptions(*plugin.descriptor);
    if (declared.empty()) return;
    ValidationContext context{
        .owner = cat("the ", plugin.name(), " ", toString(plugin.kind()), " plugin"),
        .reference = cat("`pixsync plugins --options ", plugin.name(), "`"),
        .alsoAccepted = instance.unchecked,
        .checkRequired = checkRequired,
    };
    context.alsoSuggested = config.frontDoorKeys;
    validateOptions(options, declared, context);
    for (const auto& key : instance.unchecked) {
        if (findDeclaration(declared, key)) continue;
        std::vector<std::string> names;
        for (const auto& d : declared) names.emplace_back(d.name);
        const std::string best = closestName(key, names);
        log.warning(cat(
            options.where(key), " is not an option of ", context.owner, " (ignored)",
            best.empty() ? std::string() : cat("; did you mean `", options.keyName(best), "`?")));
    }
}

/// Every configured instance against what its plugin declares, before any is created.
void checkAllDeclared(const Config& config, PluginRegistry& registry, const Logger& log) {
    const LoadedPlugin* state = nullptr;
    try {
        state = &registry.find(config.state.plugin, PluginKind::State);
    } catch (const Error& e) {
        rethrowWithPlace(e, config.origin + ": state.plugin", config.origin);
    }
    checkDeclared(config, *state, config.state, config.state.options, true, log);
    for (const auto& s : config.sinks) {
        const LoadedPlugin* plugin = nullptr;
        try {
            plugin = &registry.find(s.plugin, PluginKind::Sink);
        } catch (const Error& e) {
            rethrowWithPlace(e, cat(config.origin, ": sink '", s.name, "'"), config.origin);
        }
        checkDeclared(config, *plugin, s, s.options, true, log);
    }
    for (const auto& s : config.sources) {
        const LoadedPlugin* plugin = nullptr;
        try {
            plugin = &registry.find(s.plugin, PluginKind::Source);
        } catch (const Error& e) {
            rethrowWithPlace(e, cat(config.origin, ": source '", s.name, "'"), config.origin);
        }
        // A source's own options are a template that each route completes (user, api_key).
        checkDeclared(config, *plugin, s, s.options, false, log);
        for (const auto& r : config.routes) {
            if (r.source != s.name) continue;
            try {
                checkDeclared(config, *plugin, s, s.options.mergedWith(r.sourceOptions), true, log);
            } catch (const Error& e) {
                // A required key missing from both names the route that lacks it.
                const std::string what = e.what();
                if (what.find(r.where) != std::string::npos) throw;
                throw Error(e.kind(), cat(r.where, ": ", what));
            }
        }
    }
}

PluginContext contextFor(const std::string& name, const Logger& log, const Clock& clock,
                         DeliveredPictures* pictures = nullptr) {
    return PluginContext{name, log.tagged(name), clock, {}, pictures};
}

}  // namespace

std::unique_ptr<StateStore> openStateStore(const Config& config, PluginRegistry& registry,
                                           const Logger& log, const Clock& clock, OpenMode mode) {
    const LoadedPlugin* plugin = nullptr;
    try {
        plugin = &registry.find(config.state.plugin, PluginKind::State);
    } catch (const Error& e) {
        rethrowWithPlace(e, config.origin + ": state.plugin", config.origin);
    }
    auto store = guardPluginCall(
        cat(plugin->file.string(), ": opening the state"),
        [&] {
            return plugin->descriptor->createStateStore(config.state.options,
                                                        contextFor("state", log, clock), mode);
        },
        ErrorKind::Plugin);
    if (!store) throw pluginError(plugin->file.string() + ": the state factory returned nothing");
    return adaptOlderStateStore(std::move(store), plugin->descriptor->abiMinor);
}

struct Pipeline::Impl {
    Config config;
    std::unique_ptr<StateStore> store;
    std::vector<std::pair<std::string, std::unique_ptr<Sink>>> sinks;
    std::vector<std::unique_ptr<Source>> sources;  ///< one per route, in route order
    std::unique_ptr<Engine> engine;
};

Pipeline::Pipeline(const Config& config, PluginRegistry& registry, Logger log, const Clock& clock,
                   std::optional<OpenMode> stateMode, DeliveredPictures* pictures)
    : impl_(new Impl{config, {}, {}, {}, {}}) {
    for (const auto& s : impl_->config.secrets) log.addSecret(s);
    // Unknown keys, wrong values and missing required ones stop here, before any plugin
    // instance exists and long before anything could be sent.
    checkAllDeclared(impl_->config, registry, log);
    // Sinks and sources first: a configuration mistake must surface before the state is locked.
    for (const auto& s : impl_->config.sinks) {
        try {
            const auto& plugin = registry.find(s.plugin, PluginKind::Sink);
            auto sink = guardPluginCall(
                cat(plugin.file.string(), ": creating the sink"),
                [&] {
                    return plugin.descriptor->createSink(s.options,
                                                         contextFor(s.name, log, clock, pictures));
                },
                ErrorKind::Plugin);
            if (!sink)
                throw pluginError(plugin.file.string() + ": the sink factory returned nothing");
            impl_->sinks.emplace_back(s.name,
                                      adaptOlderSink(std::move(sink), plugin.descriptor->abiMinor));
        } catch (const Error& e) {
            rethrowWithPlace(e, cat(impl_->config.origin, ": sink '", s.name, "'"),
                             impl_->config.origin);
        }
    }
    for (const auto& r : impl_->config.routes) {
        const PluginInstance* source = impl_->config.findSource(r.source);
        if (!source) throw configError(cat(r.where, ": no source is named '", r.source, "'"));
        try {
            const auto& plugin = registry.find(source->plugin, PluginKind::Source);
            Options options = source->options.mergedWith(r.sourceOptions);
            auto src = guardPluginCall(
                cat(plugin.file.string(), ": creating the source"),
                [&] {
                    return plugin.descriptor->createSource(
                        options, contextFor(cat(source->name, ":", r.id), log, clock));
                },
                ErrorKind::Plugin);
            if (!src)
                throw pluginError(plugin.file.string() + ": the source factory returned nothing");
            impl_->sources.push_back(adaptOlderSource(std::move(src), plugin.descriptor->abiMinor));
        } catch (const Error& e) {
            rethrowWithPlace(e, r.where, impl_->config.origin);
        }
    }
    for (std::size_t i = 0; i < impl_->config.routes.size(); ++i) {
        const auto& r = impl_->config.routes[i];
        Sink* sink = nullptr;
        for (auto& [name, s] : impl_->sinks)
            if (name == r.sink) sink = s.get();
        if (!sink) throw configError(cat(r.where, ": no sink is named '", r.sink, "'"));
        for (const auto& d : r.destinations)
            if (auto problem = sink->validateDestination(d); !problem.empty())
                throw configError(cat(r.where, ": ", problem));
    }
    if (!stateMode) return;
    impl_->store = openStateStore(impl_->config, registry, log, clock, *stateMode);
    impl_->engine =
        std::make_unique<Engine>(*impl_->store, clock, log.tagged("engine"), impl_->config.engine);
    for (std::size_t i = 0; i < impl_->config.routes.size(); ++i) {
        const auto& r = impl_->config.routes[i];
        Sink* sink = nullptr;
        for (auto& [name, s] : impl_->sinks)
            if (name == r.sink) sink = s.get();
        impl_->engine->addRoute(
            Route{r.id, r.label, impl_->sources[i].get(), sink, r.sink, r.destinations});
    }
}

Pipeline::~Pipeline() {
    if (impl_->store) {
        try {
            impl_->store->flush();
        } catch (const Error&) {
            // Nothing more can be done while shutting down; the store reports on next open.
        }
    }
}

Engine& Pipeline::engine() { return *impl_->engine; }
StateStore& Pipeline::store() { return *impl_->store; }
bool Pipeline::hasState() const { return impl_->store != nullptr; }
const Config& Pipeline::config() const { return impl_->config; }

Sink* Pipeline::sink(const std::string& name) {
    for (auto& [n, s] : impl_->sinks)
        if (n == name) return s.get();
    return nullptr;
}

void Pipeline::check(CheckReport& report) {
    for (auto& s : impl_->sources) s->check(report);
    for (auto& [name, s] : impl_->sinks) s->check(report);
}

}  // namespace pixsync
