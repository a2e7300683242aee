// The "sqlite" state store plugin: pixsync's default state, in one SQLite database.
#include "pixsync/plugin.hpp"

#include "sqlite_state_store.hpp"

namespace {

std::unique_ptr<pixsync::StateStore> makeSqliteStore(const pixsync::Options& options,
                                                     const pixsync::PluginContext& context,
                                                     pixsync::OpenMode mode) {
    pixsync::sqlitestate::SqliteStoreSettings settings;
    settings.path = options.path("path");
    if (options.has("import_original")) settings.importOriginal = options.path("import_original");
    settings.busyTimeoutMs =
        static_cast<int>(options.integer("busy_timeout_ms", 5000, 0, 3'600'000));
    return std::make_unique<pixsync::sqlitestate::SqliteStateStore>(std::move(settings), context,
                                                                    mode);
}

using pixsync::OptionType;

constexpr pixsync::OptionDeclaration kOptions[] = {
    {.name = "path",
     .type = OptionType::Path,
     .required = true,
     .description = "the database file"},
    {.name = "import_original",
     .type = OptionType::Path,
     .description = "the original service's state file, imported once into a new database"},
    {.name = "busy_timeout_ms",
     .type = OptionType::Integer,
     .defaultValue = "5000",
     .min = 0,
     .max = 3'600'000,
     .description = "how long to wait for another process's transaction"},
};

}  // namespace

PIXSYNC_STATE_PLUGIN("sqlite", "1.0.0", "State in a SQLite database (the default)", makeSqliteStore,
                     kOptions)
