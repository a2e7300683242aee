// The "json" state store plugin: state kept in the original service's JSON file.
#include "pixsync/plugin.hpp"

#include "json_state_store.hpp"

namespace {

std::unique_ptr<pixsync::StateStore> makeJsonStore(const pixsync::Options& options,
                                                   const pixsync::PluginContext& context,
                                                   pixsync::OpenMode mode) {
    pixsync::jsonstate::JsonStoreSettings settings;
    settings.path = options.path("path");
    settings.batchSize = static_cast<std::size_t>(options.integer("batch_size", 200, 1, 1'000'000));
    return std::make_unique<pixsync::jsonstate::JsonStateStore>(std::move(settings), context, mode);
}

using pixsync::OptionType;

constexpr pixsync::OptionDeclaration kOptions[] = {
    {.name = "path",
     .type = OptionType::Path,
     .required = true,
     .description = "the state file (the original service's format)"},
    {.name = "batch_size",
     .type = OptionType::Integer,
     .defaultValue = "200",
     .min = 1,
     .max = 1'000'000,
     .description = "outcomes gathered before the file is rewritten"},
};

}  // namespace

PIXSYNC_STATE_PLUGIN("json", "1.0.0",
                     "State in a JSON file compatible with the original service's state file",
                     makeJsonStore, kOptions)
