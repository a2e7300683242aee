#include "schema.hpp"

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <string>

#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"
#include "state-common/state_files.hpp"

namespace pixsync::sqlitestate {

namespace {

namespace fs = std::filesystem;

/// Migration i takes the schema from version i to i + 1. To change the schema, append one
/// entry; never edit a released one (databases in the field already ran it).
constexpr std::array kMigrations = {
    // 1: the first schema.
    R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE favorites (
  route      TEXT NOT NULL,
  asset_id   TEXT NOT NULL,
  checksum   TEXT NOT NULL DEFAULT '',
  file_name  TEXT NOT NULL DEFAULT '',
  mime_type  TEXT NOT NULL DEFAULT '',
  kind       TEXT NOT NULL DEFAULT 'other',
  taken_at   TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL DEFAULT '',
  owner      TEXT NOT NULL DEFAULT '',
  size_bytes INTEGER NOT NULL DEFAULT 0,
  present    INTEGER NOT NULL DEFAULT 1,
  seen       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (route, asset_id)
) WITHOUT ROWID;

CREATE TABLE deliveries (
  id           INTEGER PRIMARY KEY,
  route        TEXT NOT NULL,
  asset_id     TEXT NOT NULL,
  destination  TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('queued', 'delivered', 'failed', 'skipped')),
  checksum     TEXT NOT NULL DEFAULT '',
  sink         TEXT NOT NULL DEFAULT '',
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_attempt INTEGER NOT NULL DEFAULT 0,
  detail       TEXT NOT NULL DEFAULT '',
  bytes        INTEGER NOT NULL DEFAULT 0,
  updated      INTEGER NOT NULL DEFAULT 0,
  file_name    TEXT NOT NULL DEFAULT '',
  mime_type    TEXT NOT NULL DEFAULT '',
  kind         TEXT NOT NULL DEFAULT 'other',
  taken_at     TEXT NOT NULL DEFAULT '',
  updated_at   TEXT NOT NULL DEFAULT '',
  owner        TEXT NOT NULL DEFAULT '',
  size_bytes   INTEGER NOT NULL DEFAULT 0,
  UNIQUE (route, asset_id, destination)
);
-- Partial indexes: the outbox and the sent log are a small part of a large history. The
-- queries repeat these WHERE terms word for word, which is what lets SQLite use them.
CREATE INDEX deliveries_due ON deliveries (next_attempt) WHERE status = 'queued';
CREATE INDEX deliveries_checksum ON deliveries (destination, checksum)
  WHERE status IN ('queued', 'delivered') AND checksum <> '';
CREATE INDEX deliveries_sink ON deliveries (sink, updated) WHERE status = 'delivered';
CREATE INDEX deliveries_route ON deliveries (route, status, updated);

CREATE TABLE cursors (
  route             TEXT PRIMARY KEY,
  value             TEXT NOT NULL,
  last_full_listing INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE passes (
  id           INTEGER PRIMARY KEY,
  route        TEXT NOT NULL,
  started      INTEGER NOT NULL,
  finished     INTEGER NOT NULL,
  full_listing INTEGER NOT NULL,
  listed       INTEGER NOT NULL,
  queued       INTEGER NOT NULL,
  delivered    INTEGER NOT NULL,
  failed       INTEGER NOT NULL,
  error        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX passes_route ON passes (route, id);
)sql",
};

std::uint32_t bigEndian(const unsigned char* p, int bytes) {
    std::uint32_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
    return v;
}

void refuseNewerSchema(const fs::path& file, std::int64_t version) {
    if (version > static_cast<std::int64_t>(kMigrations.size()))
        throw stateError(cat("state database ", file.string(),
                             " was written by a newer pixsync (schema ", version,
                             ", this one knows up to ", kMigrations.size(),
                             "): upgrade pixsync, or restore a backup"));
}

}  // namespace

int latestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

void inspectDatabaseFile(const fs::path& file) {
    state::requireReadableFile(file);
    std::ifstream in(file, std::ios::binary);
    if (!in) throw state::unusableState(file, "cannot be read");
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(file, ec);
    if (ec) throw state::unusableState(file, cat("cannot be read (", ec.message(), ")"));
    if (size == 0) throw state::unusableState(file, "is empty");
    std::array<unsigned char, 100> header{};
    in.read(reinterpret_cast<char*>(header.data()), header.size());
    const std::size_t got = static_cast<std::size_t>(in.gcount());
    static constexpr char kMagic[] = "SQLite format 3";
    const bool magicMatches =
        std::equal(header.begin(), header.begin() + std::min<std::size_t>(got, sizeof kMagic),
                   reinterpret_cast<const unsigned char*>(kMagic));
    if (!magicMatches) {
        std::string hint = header[0] == '{' ? " (it looks like JSON: the original service's state "
                                              "file belongs in import_original, or use the "
                                              "\"json\" store)"
                                            : "";
        throw state::unusableState(file, cat("is not a SQLite database", hint));
    }
    if (got < header.size())
        throw state::unusableState(file, cat("is truncated (", size, " bytes)"));
    std::uint32_t pageSize = bigEndian(&header[16], 2);
    if (pageSize == 1) pageSize = 65536;
    const std::uint32_t pages = bigEndian(&header[28], 4);
    // The page count in the header is only current when the "version valid for" number
    // matches the change counter (SQLite file format, section 1.3.7).
    const bool countValid = bigEndian(&header[24], 4) == bigEndian(&header[92], 4);
    if (pageSize < 512 || (pageSize & (pageSize - 1)) != 0)
        throw state::unusableState(file, "is damaged (its header names an impossible page size)");
    // With a write-ahead log beside it, the file alone may legitimately be shorter than its
    // header says: a checkpoint writes page 1 first and extends the file page by page, and a
    // checkpoint cut short by a crash is completed from the log. SQLite judges that case.
    std::error_code walError;
    const bool hasLog = fs::file_size(fs::path(file.string() + "-wal"), walError) > 0 && !walError;
    if (!hasLog && (size % pageSize != 0 ||
                    (countValid && pages > 0 && size < std::uintmax_t{pages} * pageSize)))
        throw state::unusableState(file, cat("is truncated (", size,
                                             " bytes where the database "
                                             "needs ",
                                             std::uintmax_t{pages} * pageSize, ")"));
    // user_version lives in the header too (offset 60): a newer schema is refused before
    // SQLite opens the file, so even a read-only look leaves no -wal/-shm files beside it.
    refuseNewerSchema(file, static_cast<std::int32_t>(bigEndian(&header[60], 4)));
}

int checkSchema(Database& db) {
    std::int64_t version = 0;
    std::int64_t tables = 0;
    try {
        version = db.queryInteger("PRAGMA user_version");
        tables = db.queryInteger("SELECT count(*) FROM sqlite_schema WHERE type = 'table'");
    } catch (const Error& e) {
        throw state::unusableState(db.file(), cat("is damaged (", e.what(), ")"));
    }
    refuseNewerSchema(db.file(), version);
    if (version < 0) throw state::unusableState(db.file(), "has a negative schema version");
    if (version == 0 && tables > 0)
        throw state::unusableState(db.file(),
                                   "is a SQLite database of another program (it has "
                                   "tables but no pixsync schema version)");
    if (version > 0 &&
        db.queryInteger("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                        "('meta', 'favorites', 'deliveries', 'cursors', 'passes')") != 5)
        throw state::unusableState(db.file(), "is missing tables of the pixsync schema");
    return static_cast<int>(version);
}

void migrate(Database& db) {
    for (int version = checkSchema(db); version < latestSchemaVersion(); ++version) {
        Transaction transaction(db);
        db.exec(kMigrations[static_cast<std::size_t>(version)]);
        db.exec(cat("PRAGMA user_version = ", version + 1));
        transaction.commit();
    }
}

}  // namespace pixsync::sqlitestate
