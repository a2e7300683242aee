#pragma once
/// @file schema.hpp
/// The state database's schema, its forward migrations (`PRAGMA user_version` is the number
/// of migrations applied), and the checks made before pixsync trusts an existing file.

#include <filesystem>

#include "sqlite_handles.hpp"

namespace pixsync::sqlitestate {

/// The schema version this code writes: the number of known migrations.
int latestSchemaVersion();

/// Checks an existing database file without opening it through SQLite: readable, not empty,
/// an SQLite header, and not shorter than the header says (a truncated copy). Throws
/// Error(State) naming the file and the recovery.
void inspectDatabaseFile(const std::filesystem::path& file);

/// Reads the schema version of an open database and checks that it is a pixsync state this
/// code can use: not newer than latestSchemaVersion(), and (version 0) holding no tables of
/// another program. Reads only. Returns the version.
int checkSchema(Database& db);

/// Applies the missing migrations, each in its own transaction.
void migrate(Database& db);

}  // namespace pixsync::sqlitestate
