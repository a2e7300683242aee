// The "sqlite" state store plugin: pixsync's default state, in one SQLite database.
#include "pixsync/plugin.hpp"

#include "sqlite_state_store.hpp"

namespace {

std::unique_ptr<pixsync::StateStore> makeSqliteStore(const pixsync::Options& options,
                                                     const pixsync::PluginContext& context,
                                                     pixsync::OpenMode mode) {
    pixsync::sqlitestate::SqliteStoreSettings settings;
    settings.path = options.path("path");
    if (settings.path.empty()) options.string("path");  // throws the "missing" Config error
    if (options.has("import_original")) settings.importOriginal = options.path("import_original");
    settings.busyTimeoutMs =
        static_cast<int>(options.integer("busy_timeout_ms", 5000, 0, 3'600'000));
    return std::make_unique<pixsync::sqlitestate::SqliteStateStore>(std::move(settings), context,
                                                                    mode);
}

}  // namespace

PIXSYNC_STATE_PLUGIN("sqlite", "1.0.0", "State in a SQLite database (the default)", makeSqliteStore)
