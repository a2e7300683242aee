#pragma once
/// @file pipeline.hpp
/// Builds a running pipeline from a Config: the state store, the sinks, one source per route
/// and the engine, each plugin instance made by its plugin's factory. The CLI and embedding
/// programs use this; tests can build Routes by hand instead.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pixsync/check.hpp"
#include "pixsync/clock.hpp"
#include "pixsync/host/config.hpp"
#include "pixsync/host/engine.hpp"
#include "pixsync/host/plugin_registry.hpp"
#include "pixsync/log.hpp"

namespace pixsync {

/// Opens the configured state store. Throws Error(Plugin) for an unknown plugin,
/// Error(State) for unusable state and Error(Locked) when another process holds it.
std::unique_ptr<StateStore> openStateStore(const Config& config, PluginRegistry& registry,
                                           const Logger& log, const Clock& clock, OpenMode mode);

/// Sources, sinks, store and engine made from a Config. Owns every plugin instance; the
/// registry must outlive it.
class Pipeline {
  public:
    /// Creates every instance and validates every destination with its sink, before anything
    /// is contacted, then opens the state store in `stateMode` (none: no store and no engine,
    /// for `pixsync check`). Sinks get `pictures` (PluginContext::pictures), which must
    /// outlive the pipeline. Throws Error(Config/Plugin/State/Locked).
    Pipeline(const Config& config, PluginRegistry& registry, Logger log, const Clock& clock,
             std::optional<OpenMode> stateMode = OpenMode::ReadWrite,
             DeliveredPictures* pictures = nullptr);
    ~Pipeline();
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;

    /// The engine and the store; only when the state was opened.
    Engine& engine();
    StateStore& store();
    bool hasState() const;
    const Config& config() const;

    /// Runs every source's and sink's check() (reachability, credentials, TLS); sends nothing.
    void check(CheckReport& report);

    /// The sink instance of that name, or null.
    Sink* sink(const std::string& name);

  private:
    // Behind a pointer, so that programs embedding the pipeline see one size and layout
    // whatever its internals become.
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace pixsync
