#pragma once
// Opening the built state store plugins from disk, the way the CLI does.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "pixsync/error.hpp"
#include "pixsync/host/plugin_registry.hpp"
#include "pixsync/plugin.hpp"
#include "pixsync/util/strings.hpp"
#include "test_support.hpp"

namespace pixsync::test {

/// Loads one state plugin ("sqlite" or "json") from pluginDir() and opens stores with it.
class StatePlugin {
  public:
    explicit StatePlugin(const std::string& name)
        : name_(name),
          plugin_(registry_.load(pluginDir() / ("pixsync-" + name + ".so"))),
          context_{"state", Logger(), clock_, std::filesystem::temp_directory_path()} {}

    const std::string& name() const { return name_; }
    FakeClock& clock() { return clock_; }

    /// Opens a store with the given options.
    std::unique_ptr<StateStore> open(const Options& options, OpenMode mode = OpenMode::ReadWrite) {
        return plugin_.descriptor->createStateStore(options, context_, mode);
    }
    /// Opens a store on `path` with default options.
    std::unique_ptr<StateStore> open(const std::filesystem::path& path,
                                     OpenMode mode = OpenMode::ReadWrite) {
        Options options;
        options.set("path", path.string());
        return open(options, mode);
    }

  private:
    std::string name_;
    PluginRegistry registry_;
    const LoadedPlugin& plugin_;
    FakeClock clock_;
    PluginContext context_;
};

/// The file name each store's state is usually kept under.
inline std::string stateFileName(const std::string& store) {
    return store == "sqlite" ? "pixsync_state.db" : "pixstar_sync_state.json";
}

/// Runs `f` and returns the pixsync::Error it throws (failing the test when it throws none).
template <class F>
Error errorFrom(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "no pixsync::Error was thrown";
    return Error(ErrorKind::Internal, "no error");
}

}  // namespace pixsync::test
