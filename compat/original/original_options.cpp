// The keys the original's files hold that no plugin reads, declared like a plugin's options.
#include "original_options.hpp"

namespace pixsync::original {

namespace {

using T = OptionType;

// Named in lower case: an environment file shows them in upper case (KeyStyle::Env).
constexpr OptionDeclaration kEnvironment[] = {
    {.name = "pixstar_mapping_path",
     .type = T::Path,
     .defaultValue = "pixstar_mapping.json",
     .description = "the accounts file"},
    {.name = "state_path",
     .type = T::Path,
     .defaultValue = "pixstar_sync_state.json",
     .description = "the original's state file"},
    {.name = "state_backend",
     .type = T::String,
     .defaultValue = "sqlite",
     .choices = "sqlite|json",
     .description =
         "sqlite: pixsync_state.db beside STATE_PATH, importing it once; json: STATE_PATH itself"},
    {.name = "poll_interval_seconds",
     .type = T::Integer,
     .defaultValue = "300",
     .min = 10,
     .max = 7 * 24 * 3600,
     .description = "time between polls"},
    {.name = "start_from_now",
     .type = T::Boolean,
     .defaultValue = "false",
     .description = "first start: record current favorites as sent instead of sending them"},
    {.name = "reconcile_hours",
     .type = T::Integer,
     .defaultValue = "24",
     .min = 1,
     .max = 24 * 365,
     .description = "a full listing this often; other polls ask only for changes"},
    {.name = "max_attempts",
     .type = T::Integer,
     .defaultValue = "10",
     .min = 1,
     .max = 1000,
     .description = "failures of one photo (while others go through) before it is recorded failed"},
    {.name = "retry_base_seconds",
     .type = T::Integer,
     .defaultValue = "300",
     .min = 1,
     .max = 24 * 3600,
     .description = "first retry delay of a photo that failed; it doubles with each failure"},
    {.name = "queue_order",
     .type = T::String,
     .defaultValue = "newest",
     .choices = "newest|oldest",
     .description = "within a user's queue, the newest favorite goes first (or the oldest)"},
    {.name = "photos_ahead",
     .type = T::Integer,
     .defaultValue = "1",
     .min = 0,
     .max = 4,
     .description =
         "photos downloaded and fitted while the current one is sent (0: one at a time)"},
    {.name = "log_file",
     .type = T::Path,
     .defaultValue = "immich-pixstar.log",
     .description = "rotating log file"},
    {.name = "log_level",
     .type = T::String,
     .defaultValue = "info",
     .choices = "debug|info|warning|error",
     .description = "least severe level logged"},
    {.name = "log_max_mb",
     .type = T::Integer,
     .defaultValue = "5",
     .min = 1,
     .max = 1024,
     .description = "size at which the log rotates"},
    {.name = "log_keep",
     .type = T::Integer,
     .defaultValue = "2",
     .min = 1,
     .max = 100,
     .description = "rotated files kept"},
    {.name = "pixsync_thumbnails_mb",
     .type = T::Integer,
     .defaultValue = "20",
     .min = 0,
     .max = 1024,
     .description = "thumbnails kept for the status page (0: none)"},
    {.name = "pixsync_listen_token",
     .type = T::String,
     .description = "the status page's token; needed for a --listen address other than loopback"},
    {.name = "pixsync_plugin_path",
     .type = T::String,
     .description = "extra plugin folders, :-separated"},
    {.name = "pixsync_config",
     .type = T::Path,
     .description = "a native config to read instead of these files (process environment only)"},
};

constexpr OptionDeclaration kMapping[] = {
    {.name = "defaultPixstarEmails",
     .type = T::StringList,
     .description = "frames for accounts without pixstarEmails"},
    {.name = "accounts",
     .type = T::ObjectList,
     .required = true,
     .description = "one entry per Immich user"},
};

constexpr OptionDeclaration kAccount[] = {
    {.name = "immichUser",
     .type = T::String,
     .required = true,
     .description = "the user's Immich login e-mail"},
    {.name = "immichApiKey",
     .type = T::String,
     .required = true,
     .secret = true,
     .description = "an API key the user created"},
    {.name = "pixstarEmails",
     .type = T::StringList,
     .description = "the user's frame addresses (default: defaultPixstarEmails)"},
};

constexpr DeclaredSection kSections[] = {
    {".env", kEnvironment},
    {"pixstar_mapping.json", kMapping},
    {"pixstar_mapping.json: accounts[]", kAccount},
};

}  // namespace

std::span<const DeclaredSection> optionDeclarations() noexcept { return kSections; }
std::span<const OptionDeclaration> environmentOptions() noexcept { return kEnvironment; }
std::span<const OptionDeclaration> mappingOptions() noexcept { return kMapping; }
std::span<const OptionDeclaration> accountOptions() noexcept { return kAccount; }

}  // namespace pixsync::original
