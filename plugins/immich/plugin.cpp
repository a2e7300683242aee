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

using pixsync::OptionType;

constexpr pixsync::OptionDeclaration kOptions[] = {
    {.name = "immich_base_url",
     .type = OptionType::String,
     .required = true,
     .description = "Immich's API address, ending in /api"},
    {.name = "user",
     .type = OptionType::String,
     .required = true,
     .description = "the Immich user's login e-mail: whose photos a route follows"},
    {.name = "api_key",
     .type = OptionType::String,
     .required = true,
     .secret = true,
     .description = "an API key created by that user"},
    {.name = "immich_api_key",
     .type = OptionType::String,
     .secret = true,
     .description = "admin key (user.read) used to check that each user exists"},
    {.name = "immich_ca_file",
     .type = OptionType::Path,
     .description = "extra CA certificate to trust (a private CA)"},
    {.name = "immich_insecure_tls",
     .type = OptionType::Boolean,
     .defaultValue = "false",
     .description = "skip certificate checks (warned at every start)"},
    {.name = "immich_page_size",
     .type = OptionType::Integer,
     .defaultValue = "1000",
     .min = 1,
     .max = 1000,
     .description = "photos per listing request"},
    {.name = "immich_max_download_mb",
     .type = OptionType::Integer,
     .defaultValue = "200",
     .min = 1,
     .max = 1024 * 1024,
     .description = "larger originals are skipped with a reason"},
    {.name = "immich_timeout_seconds",
     .type = OptionType::Integer,
     .defaultValue = "30",
     .min = 1,
     .max = 3600,
     .description = "per request"},
    {.name = "immich_min_download_kb_per_second",
     .type = OptionType::Integer,
     .defaultValue = "32",
     .min = 1,
     .max = 1024 * 1024,
     .description = "slowest average a download may have once the timeout has passed"},
    {.name = "immich_preview_fallback",
     .type = OptionType::Boolean,
     .defaultValue = "true",
     .description = "send Immich's preview when the original cannot be decoded"},
    {.name = "immich_image_source",
     .type = OptionType::String,
     .defaultValue = "auto",
     .choices = "auto|original|preview",
     .description = "auto: Immich's preview when it fills the frame, else the original; "
                    "original: always the original; preview: the preview whenever there is one"},
    {.name = "album",
     .type = OptionType::String,
     .description = "follow an album (its name or id)"},
    {.name = "tag", .type = OptionType::String, .description = "follow a tag (its value or id)"},
    {.name = "person",
     .type = OptionType::String,
     .description = "follow a person (their name or id)"},
    {.name = "favorites",
     .type = OptionType::Boolean,
     .defaultValue = "true without album, tag and person",
     .description = "only the user's own favorites"},
    {.name = "min_rating",
     .type = OptionType::Integer,
     .min = 1,
     .max = 5,
     .description = "photos with at least this many stars"},
    {.name = "taken_after",
     .type = OptionType::String,
     .description = "photos taken on or after this date (2024-06-30) or time"},
    {.name = "taken_before",
     .type = OptionType::String,
     .description = "photos taken on or before this date or time"},
};

}  // namespace

PIXSYNC_SOURCE_PLUGIN("immich", "1.1.0",
                      "An Immich user's favorites, or an album, tag or person (Immich v2 API)",
                      makeImmichSource, kOptions)
