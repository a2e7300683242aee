#pragma once
/// @file plugin_registry.hpp
/// Finds, loads and checks plugins, then hands out their factories.

#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "pixsync/plugin.hpp"

namespace pixsync {

/// A loaded plugin.
struct LoadedPlugin {
    const PluginDescriptor* descriptor = nullptr;
    std::filesystem::path file;
    std::string name() const { return descriptor->name; }
    PluginKind kind() const { return descriptor->kind; }
};

/// The plugin search path, in order: explicit folders (--plugin-dir, the config's
/// plugin_dirs), PIXSYNC_PLUGIN_PATH (colon-separated), then the folder installed beside
/// libpixsync (<libdir>/pixsync/plugins, which is also where the build tree puts them).
/// Folders that do not exist are skipped.
std::vector<std::filesystem::path> pluginSearchPath(
    const std::vector<std::filesystem::path>& explicitDirs, const char* envPath);

/// The folder of installed plugins, found relative to the loaded libpixsync.
std::filesystem::path defaultPluginDir();

/// Holds loaded plugins (and keeps their shared objects open for its lifetime). The only
/// registry is the one the application creates; there is no global instance.
class PluginRegistry {
  public:
    PluginRegistry();
    ~PluginRegistry();
    PluginRegistry(const PluginRegistry&) = delete;
    PluginRegistry& operator=(const PluginRegistry&) = delete;

    /// Loads one shared object. Throws Error(Plugin) naming the file and the reason: dlopen's
    /// message, no descriptor symbol (not a pixsync plugin), ABI version found vs expected,
    /// unknown kind, missing factory, or a name already loaded from another file.
    const LoadedPlugin& load(const std::filesystem::path& file);

    /// Loads every *.so in the folders, in order. A file that fails to load is reported
    /// through `problems` (file and reason) and skipped, so one bad file does not hide the
    /// others; a duplicate name keeps the first one found.
    void loadAll(const std::vector<std::filesystem::path>& dirs,
                 std::vector<std::string>* problems);

    /// Registers a descriptor linked into the program (embedding, tests).
    const LoadedPlugin& add(const PluginDescriptor* descriptor,
                            std::filesystem::path origin = "<built-in>");

    /// Where find() looks for plugins that are not loaded yet (see pluginSearchPath()).
    void setSearchPath(std::vector<std::filesystem::path> dirs);

    /// The plugin called `name` of the given kind. A plugin not loaded yet is looked for in
    /// the search path as `pixsync-<name>.so` first (so a command loads only the plugins its
    /// configuration names), then among every plugin there. Throws Error(Plugin) when there is
    /// none (listing the ones that exist), when it is of another kind, or when its file is refused.
    const LoadedPlugin& find(const std::string& name, PluginKind kind);

    /// Every loaded plugin in load order.
    const std::deque<LoadedPlugin>& plugins() const noexcept;

  private:
    // Behind a pointer, so that programs embedding the registry see one size and layout
    // whatever its internals become.
    struct Impl;
    std::unique_ptr<Impl> impl_;
    const LoadedPlugin* loaded(const std::string& name, PluginKind kind) const;
    const LoadedPlugin& accept(const PluginDescriptor* d, const std::filesystem::path& file);
};

}  // namespace pixsync
