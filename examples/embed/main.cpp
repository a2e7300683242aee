// Embeds libpixsync: loads the installed plugins, lists them, and checks that a configuration
// file loads. Usage: pixsync-embed [CONFIG.json]
#include <cstdio>

#include "pixsync/config.hpp"
#include "pixsync/error.hpp"
#include "pixsync/plugin_registry.hpp"
#include "pixsync/version.hpp"

int main(int argc, char** argv) {
    std::printf("libpixsync %s, plugin ABI %u.%u\n", pixsync::kVersion, pixsync::kPluginAbiMajor,
                pixsync::kPluginAbiMinor);
    pixsync::PluginRegistry registry;
    std::vector<std::string> problems;
    registry.loadAll(pixsync::pluginSearchPath({}, std::getenv("PIXSYNC_PLUGIN_PATH")), &problems);
    for (const auto& p : registry.plugins())
        std::printf("plugin %s (%s) %s\n", p.name().c_str(), pixsync::toString(p.kind()), p.descriptor->version);
    for (const auto& p : problems) std::fprintf(stderr, "warning: %s\n", p.c_str());
    if (argc > 1) {
        try {
            auto config = pixsync::loadNativeConfig(argv[1], pixsync::processEnvironment());
            std::printf("config %s: %zu routes\n", config.origin.c_str(), config.routes.size());
        } catch (const pixsync::Error& e) {
            std::fprintf(stderr, "%s\n", e.what());
            return pixsync::exitCodeFor(e.kind());
        }
    }
    return 0;
}
