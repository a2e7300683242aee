// The immich plugin's entry point: a Source per route.

#include "pixsync/plugin.hpp"

#include "immich_source.hpp"
#include "settings.hpp"

namespace {

std::unique_ptr<pixsync::Source> makeImmichSource(const pixsync::Options& options,
                                                  const pixsync::PluginContext& context) {
    pixsync::immich::Settings settings = pixsync::immich::readSettings(options);
    // Registered before anything can log, so the keys never reach a log line.
    pixsync::Logger log = context.log;  // copies share their secrets
    log.addSecret(settings.apiKey);
    if (!settings.adminKey.empty()) log.addSecret(settings.adminKey);
    return std::make_unique<pixsync::immich::ImmichSource>(std::move(settings), context);
}

}  // namespace

PIXSYNC_SOURCE_PLUGIN("immich", "1.1.0",
                      "An Immich user's favorites, or an album, tag or person (Immich v2 API)",
                      makeImmichSource)
