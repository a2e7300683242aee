// `pixsync plugins`: one line per plugin found: <name> <kind> <version> <file>.
#include <cstdio>

#include "app.hpp"

namespace pixsync::cli {

int runPlugins(App& app) {
    std::vector<std::filesystem::path> configDirs;
    // A configuration is optional here; its plugin_dirs count when there is one.
    if (!app.options.configFile.empty()) configDirs = app.loadConfig().pluginDirs;
    app.loadAllPlugins(configDirs);
    for (const auto& p : app.registry.plugins())
        std::printf("%s %s %s %s\n", p.name().c_str(), toString(p.kind()), p.descriptor->version,
                    p.file.c_str());
    return 0;
}

}  // namespace pixsync::cli
