// The native config's own keys, declared like a plugin's options.
#include "core_options.hpp"

namespace pixsync {

namespace {

using T = OptionType;

constexpr OptionDeclaration kTopLevel[] = {
    {.name = "state",
     .type = T::Object,
     .required = true,
     .description = "the state store: {\"plugin\", \"options\"}"},
    {.name = "sources",
     .type = T::ObjectList,
     .required = true,
     .description = "source instances: [{\"name\", \"plugin\", \"options\"}]"},
    {.name = "sinks",
     .type = T::ObjectList,
     .required = true,
     .description = "sink instances: [{\"name\", \"plugin\", \"options\"}]"},
    {.name = "routes",
     .type = T::ObjectList,
     .required = true,
     .description = "what each source feeds into which sink's destinations"},
    {.name = "plugin_dirs",
     .type = T::StringList,
     .description = "extra folders to load plugins from"},
    {.name = "poll_interval_seconds",
     .type = T::Integer,
     .defaultValue = "300",
     .min = 10,
     .max = 7 * 24 * 3600,
     .description = "time between polls"},
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
    {.name = "start_from_now",
     .type = T::Boolean,
     .defaultValue = "false",
     .description = "first start: record current favorites as sent instead of sending them"},
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
    {.name = "log",
     .type = T::Object,
     .description = "{\"file\", \"level\", \"max_mb\", \"keep\"}"},
    {.name = "thumbnails_mb",
     .type = T::Integer,
     .defaultValue = "20",
     .min = 0,
     .max = 1024,
     .description = "thumbnails kept for the status page (0: none)"},
    {.name = "listen_token",
     .type = T::String,
     .description = "the status page's token; needed for a --listen address other than loopback"},
};

constexpr OptionDeclaration kInstance[] = {
    {.name = "name",
     .type = T::String,
     .description = "what routes refer to (default: the plugin's name)"},
    {.name = "plugin", .type = T::String, .required = true, .description = "the plugin's name"},
    {.name = "options", .type = T::Object, .description = "the plugin's options"},
};

constexpr OptionDeclaration kRoute[] = {
    {.name = "id",
     .type = T::String,
     .required = true,
     .description = "stable id the state is keyed by"},
    {.name = "label", .type = T::String, .description = "name shown in messages (default: the id)"},
    {.name = "source",
     .type = T::String,
     .description = "a source's name (optional with one source)"},
    {.name = "sink", .type = T::String, .description = "a sink's name (optional with one sink)"},
    {.name = "source_options",
     .type = T::Object,
     .description = "laid over the source's options for this route"},
    {.name = "destinations",
     .type = T::ObjectList,
     .required = true,
     .description = "addresses, or {\"address\", \"profile\"} objects"},
};

constexpr OptionDeclaration kDestination[] = {
    {.name = "address", .type = T::String, .required = true, .description = "the frame's address"},
    {.name = "profile", .type = T::String, .description = "one of the sink's named profiles"},
};

constexpr OptionDeclaration kLog[] = {
    {.name = "file", .type = T::Path, .description = "rotating log file (none by default)"},
    {.name = "level",
     .type = T::String,
     .defaultValue = "info",
     .choices = "debug|info|warning|error",
     .description = "least severe level logged"},
    {.name = "max_mb",
     .type = T::Integer,
     .defaultValue = "5",
     .min = 1,
     .max = 1024,
     .description = "size at which the log rotates"},
    {.name = "keep",
     .type = T::Integer,
     .defaultValue = "2",
     .min = 1,
     .max = 100,
     .description = "rotated files kept"},
};

constexpr DeclaredSection kSections[] = {
    {"native config", kTopLevel},        {"native config: sources[], sinks[], state", kInstance},
    {"native config: routes[]", kRoute}, {"native config: routes[].destinations[]", kDestination},
    {"native config: log", kLog},
};

}  // namespace

std::span<const DeclaredSection> coreOptionDeclarations() noexcept { return kSections; }

namespace core_options {
std::span<const OptionDeclaration> topLevel() noexcept { return kTopLevel; }
std::span<const OptionDeclaration> instance() noexcept { return kInstance; }
std::span<const OptionDeclaration> route() noexcept { return kRoute; }
std::span<const OptionDeclaration> destination() noexcept { return kDestination; }
std::span<const OptionDeclaration> log() noexcept { return kLog; }
}  // namespace core_options

}  // namespace pixsync
