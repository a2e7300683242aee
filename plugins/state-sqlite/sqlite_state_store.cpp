#include "sqlite_state_store.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "pixsync/util/private_file.hpp"
#include "pixsync/util/strings.hpp"
#include "schema.hpp"
#include "state-common/state_files.hpp"

namespace pixsync::sqlitestate {

namespace fs = std::filesystem;

namespace {

/// The asset columns of `deliveries`, in the order putQueued binds them.
constexpr const char* kQueueSql = R"sql(
INSERT INTO deliveries (route, asset_id, destination, status, checksum, attempts, next_attempt,
                        detail, bytes, updated, file_name, mime_type, kind, taken_at, updated_at,
                        owner, size_bytes)
VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (route, asset_id, destination) DO UPDATE SET
  status = 'queued', attempts = excluded.attempts, next_attempt = excluded.next_attempt,
  detail = excluded.detail, bytes = 0, updated = excluded.updated,
  -- A resend that knows only the id keeps what the record already knew about the asset.
  checksum = coalesce(nullif(excluded.checksum, ''), checksum),
  file_name = coalesce(nullif(excluded.file_name, ''), file_name),
  mime_type = coalesce(nullif(excluded.mime_type, ''), mime_type),
  kind = coalesce(nullif(excluded.kind, 'other'), kind),
  taken_at = coalesce(nullif(excluded.taken_at, ''), taken_at),
  updated_at = coalesce(nullif(excluded.updated_at, ''), updated_at),
  owner = coalesce(nullif(excluded.owner, ''), owner),
  size_bytes = coalesce(nullif(excluded.size_bytes, 0), size_bytes)
)sql";

/// One route's due deliveries in the order they go out (StateStore::dueForRoute()): never
/// failed first, by the asset's updatedAt in `direction`, then in the order queued; then
/// those that failed, the earliest next attempt first.
std::string dueForRouteSql(const char* direction) {
    return std::string(
               "SELECT route, asset_id, destination, checksum, attempts, next_attempt, detail, "
               "file_name, mime_type, kind, taken_at, updated_at, owner, size_bytes "
               "FROM deliveries WHERE status = 'queued' AND route = ?1 AND next_attempt <= ?2 "
               "ORDER BY attempts > 0, CASE WHEN attempts > 0 THEN next_attempt END, "
               "updated_at ") +
           direction + ", next_attempt, id LIMIT ?3";
}

}  // namespace

/// Every statement the store runs, prepared once.
struct SqliteStateStore::Statements {
    explicit Statements(Database& db)
        : cursorGet(db, "SELECT value, last_full_listing FROM cursors WHERE route = ?"),
          cursorPut(db,
                    "INSERT INTO cursors (route, value, last_full_listing) VALUES (?, ?, ?) "
                    "ON CONFLICT (route) DO UPDATE SET value = excluded.value, "
                    "last_full_listing = excluded.last_full_listing"),
          status(db,
                 "SELECT status FROM deliveries WHERE route = ?1 AND asset_id = ?2 AND "
                 "destination IN (?3, '*') ORDER BY destination = '*' LIMIT 1"),
          byChecksum(db,
                     "SELECT route, asset_id, destination FROM deliveries WHERE destination = ? "
                     "AND checksum = ? AND status IN ('queued', 'delivered') AND checksum <> '' "
                     "ORDER BY route, asset_id LIMIT 1"),
          favoritesHide(db, "UPDATE favorites SET present = 0 WHERE route = ? AND present = 1"),
          favoritePut(db,
                      "INSERT INTO favorites (route, asset_id, checksum, file_name, mime_type, "
                      "kind, taken_at, updated_at, owner, size_bytes, present, seen) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) "
                      "ON CONFLICT (route, asset_id) DO UPDATE SET checksum = excluded.checksum, "
                      "file_name = excluded.file_name, mime_type = excluded.mime_type, "
                      "kind = excluded.kind, taken_at = excluded.taken_at, "
                      "updated_at = excluded.updated_at, owner = excluded.owner, "
                      "size_bytes = excluded.size_bytes, present = 1, seen = excluded.seen"),
          queuePut(db, kQueueSql),
          skipPut(db,
                  "INSERT INTO deliveries (route, asset_id, destination, status, checksum, "
                  "detail, updated) VALUES (?, ?, ?, 'skipped', ?, ?, ?) "
                  "ON CONFLICT (route, asset_id, destination) DO UPDATE SET status = 'skipped', "
                  "checksum = excluded.checksum, detail = excluded.detail, "
                  "updated = excluded.updated"),
          recordPut(db,
                    "INSERT INTO deliveries (route, asset_id, destination, status, checksum, sink, "
                    "attempts, next_attempt, detail, bytes, updated) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (route, asset_id, destination) DO UPDATE SET "
                    "status = excluded.status, "
                    "checksum = coalesce(nullif(excluded.checksum, ''), checksum), "
                    "sink = excluded.sink, attempts = excluded.attempts, "
                    "next_attempt = excluded.next_attempt, detail = excluded.detail, "
                    "bytes = excluded.bytes, updated = excluded.updated"),
          due(db,
              "SELECT route, asset_id, destination, checksum, attempts, next_attempt, detail, "
              "file_name, mime_type, kind, taken_at, updated_at, owner, size_bytes "
              "FROM deliveries WHERE status = 'queued' AND next_attempt <= ? "
              "ORDER BY next_attempt, id LIMIT ?"),
          dueNewest(db, dueForRouteSql("DESC")),
          dueOldest(db, dueForRouteSql("ASC")),
          nextDue(db, "SELECT min(next_attempt) FROM deliveries WHERE status = 'queued'"),
          countDelivered(db,
                         "SELECT count(*) FROM deliveries WHERE sink = ? AND "
                         "status = 'delivered' AND updated >= ?"),
          passPut(db,
                  "INSERT INTO passes (route, started, finished, full_listing, listed, queued, "
                  "delivered, failed, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
          passTrim(db,
                   "DELETE FROM passes WHERE route = ?1 AND id <= (SELECT id FROM passes "
                   "WHERE route = ?1 ORDER BY id DESC LIMIT 1 OFFSET 100)"),
          lastPass(db,
                   "SELECT started, finished, full_listing, listed, queued, delivered, failed, "
                   "error FROM passes WHERE route = ? ORDER BY id DESC LIMIT 1"),
          favoriteCount(db, "SELECT count(*) FROM favorites WHERE route = ? AND present = 1"),
          statusCounts(db,
                       "SELECT status, count(*), min(next_attempt) FROM deliveries "
                       "WHERE route = ? GROUP BY status"),
          recentFailures(db,
                         "SELECT d.asset_id, d.destination, "
                         "coalesce(nullif(d.file_name, ''), f.file_name, ''), d.detail, d.updated "
                         "FROM deliveries d LEFT JOIN favorites f "
                         "ON f.route = d.route AND f.asset_id = d.asset_id "
                         "WHERE d.route = ? AND d.status = 'failed' "
                         "ORDER BY d.updated DESC, d.id DESC LIMIT 20"),
          recentDeliveries(
              db,
              "SELECT d.route, d.asset_id, d.destination, d.status, "
              "coalesce(nullif(d.file_name, ''), f.file_name, ''), "
              "CASE WHEN d.file_name <> '' THEN d.kind ELSE coalesce(f.kind, d.kind) END, "
              "d.sink, d.updated, d.detail "
              "FROM deliveries d LEFT JOIN favorites f "
              "ON f.route = d.route AND f.asset_id = d.asset_id "
              "WHERE d.status IN ('delivered', 'failed') AND d.destination <> '*' "
              "ORDER BY d.updated DESC, d.id DESC LIMIT ?"),
          metaGet(db, "SELECT value FROM meta WHERE key = ?"),
          metaPut(db,
                  "INSERT INTO meta (key, value) VALUES (?, ?) "
                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
          importPut(db,
                    "INSERT OR IGNORE INTO deliveries (route, asset_id, destination, status, "
                    "updated) VALUES (?, ?, '*', 'delivered', ?)") {}

    Statement cursorGet, cursorPut, status, byChecksum, favoritesHide, favoritePut, queuePut,
        skipPut, recordPut, due, dueNewest, dueOldest, nextDue, countDelivered, passPut, passTrim,
        lastPass, favoriteCount, statusCounts, recentFailures, recentDeliveries, metaGet, metaPut,
        importPut;
};

SqliteStateStore::SqliteStateStore(SqliteStoreSettings settings, const PluginContext& context,
                                   OpenMode mode)
    : settings_(std::move(settings)), clock_(context.clock), log_(context.log), mode_(mode) {
    if (mode_ == OpenMode::ReadWrite)
        openForWriting();
    else
        openForReading();
}

SqliteStateStore::~SqliteStateStore() {
    // Statements first: a connection with unfinalized statements cannot close.
    sql_.reset();
    db_.reset();
}

void SqliteStateStore::openForWriting() {
    const fs::path& path = settings_.path;
    state::requireWritableFolder(path);
    lock_ = std::make_unique<StateWriterLock>(StateLocation(path));

    std::error_code ec;
    const bool exists = fs::exists(path, ec);
    bool alreadyImported = false;
    if (exists) {
        inspectDatabaseFile(path);
        db_ = std::make_unique<Database>(path, SQLITE_OPEN_READWRITE);
        if (sqlite3_db_readonly(db_->handle(), "main") == 1)
            throw state::unusableState(path, "is not writable (check its permissions)");
        sqlite3_busy_timeout(db_->handle(), settings_.busyTimeoutMs);
        if (checkSchema(*db_) >= 1) {
            Statement get(*db_, "SELECT 1 FROM meta WHERE key = 'imported_original'");
            Statement::Use use(get);
            alreadyImported = use.next();
        }
    }
    // The original file is read in full before anything is written: a corrupt one leaves
    // no database behind (or the existing one as it was).
    std::optional<state::SentByRoute> toImport;
    std::string importedStamp;
    if (!settings_.importOriginal.empty() && !alreadyImported) {
        importedStamp = originalStamp();
        if (fs::exists(settings_.importOriginal, ec))
            toImport = state::loadOriginalState(settings_.importOriginal);
        else  // said once, when the state is made; later starts find the same
            log_.log(db_ ? LogLevel::Debug : LogLevel::Info,
                     cat("import_original: ", settings_.importOriginal.string(),
                         " does not exist; nothing to import"));
    }
    if (!db_) {
        createDatabase();
        db_ = std::make_unique<Database>(path, SQLITE_OPEN_READWRITE);
        sqlite3_busy_timeout(db_->handle(), settings_.busyTimeoutMs);
    }
    db_->exec("PRAGMA journal_mode = WAL");
    db_->exec("PRAGMA synchronous = FULL");
    // 32 MB of page cache (the default is 2 MB): at a million records the indexes no longer
    // fit the default, and every insert would read pages back from disk.
    db_->exec("PRAGMA cache_size = -32768");
    migrate(*db_);
    sql_ = std::make_unique<Statements>(*db_);
    if (toImport) {
        importOriginal(*toImport);
        rememberOriginalStamp(importedStamp);
    }
    followOriginal();
}

void SqliteStateStore::createDatabase() {
    // Built under another name and renamed into place once complete: a crash during the
    // first start must not leave an empty or half-made file that the next start would
    // (rightly) refuse as a damaged state.
    const fs::path fresh = settings_.path.string() + ".new";
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        std::error_code ignored;
        fs::remove(fresh.string() + suffix, ignored);
    }
    // SQLite gives the -wal and -shm files the database file's mode, so creating that 0600
    // here keeps all three private whatever the umask.
    if (!createPrivateFile(fresh))
        throw stateError(cat("state database ", settings_.path.string(), ": cannot create ",
                             fresh.string(), " (", std::strerror(errno),
                             "); check the folder's permissions"));
    {
        Database db(fresh, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        db.exec("PRAGMA journal_mode = WAL");
        db.exec("PRAGMA synchronous = FULL");
        migrate(db);
    }  // closing checkpoints the WAL into the file and removes it
    if (::rename(fresh.c_str(), settings_.path.c_str()) != 0)
        throw stateError(cat("state database ", settings_.path.string(),
                             ": cannot move the new database into place (", std::strerror(errno),
                             ")"));
    state::syncFolder(settings_.path);
}

void SqliteStateStore::openForReading() {
    const fs::path& path = settings_.path;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        // Nothing written yet: an empty state, without creating the file. The original
        // service's history is imported into it too, so a dry run before the first real start
        // shows what that start would send, not every favorite.
        db_ = std::make_unique<Database>(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY);
        migrate(*db_);
        sql_ = std::make_unique<Statements>(*db_);
        if (!settings_.importOriginal.empty() && fs::exists(settings_.importOriginal, ec))
            importOriginal(state::loadOriginalState(settings_.importOriginal));
        return;
    }
    inspectDatabaseFile(path);
    // With no write-ahead log beside the file, no writer has it open (the last one to close
    // removes the log) and the file alone holds the whole state: it is read as immutable, so
    // nothing is created beside it (a reader's -wal and -shm would stay behind, owned by
    // whoever ran status) and no write access to the folder is needed. A writer starting
    // meanwhile writes to its own new log, not to the file, until its first checkpoint.
    const fs::path log = path.string() + "-wal";
    const bool logPresent = fs::exists(log, ec);
    db_ = std::make_unique<Database>(path, SQLITE_OPEN_READONLY, logPresent ? "" : "immutable=1");
    sqlite3_busy_timeout(db_->handle(), settings_.busyTimeoutMs);
    if (logPresent) {
        // A writer is (or was, until a crash) active: reading needs its -wal and -shm files.
        try {
            db_->queryInteger("PRAGMA user_version");
        } catch (const Error& e) {
            const fs::path index = path.string() + "-shm";
            int denied = 0;
            if (::access(log.c_str(), R_OK) != 0 || ::access(index.c_str(), R_OK) != 0)
                denied = errno;
            // Either file unreadable, or the folder not writable for a -shm SQLite must make.
            throw stateError(cat("state database ", path.string(),
                                 ": cannot be read while its write-ahead log is in use (",
                                 denied ? std::strerror(denied) : e.what(), "): reading it needs ",
                                 log.string(), " and ", index.string(),
                                 "; run pixsync as the user that runs the daemon (e.g. with "
                                 "sudo -u)"));
        }
    }
    if (checkSchema(*db_) < latestSchemaVersion())
        throw stateError(cat("state database ", path.string(),
                             " uses an older schema; start pixsync once (it upgrades the "
                             "database) before reading it"));
    sql_ = std::make_unique<Statements>(*db_);
}

void SqliteStateStore::importOriginal(const state::SentByRoute& sent) {
    const TimePoint now = clock_.now();
    Transaction transaction(*db_);
    for (const auto& [route, ids] : sent) {
        for (const auto& id : ids) {
            Statement::Use use(sql_->importPut);
            use.bind(route).bind(id).bind(toUnixMillis(now)).run();
        }
    }
    std::string note = cat(settings_.importOriginal.string(), " at ", isoUtc(now), ", ",
                           state::countIds(sent), " ids for ", sent.size(), " routes");
    Statement::Use(sql_->metaPut).bind("imported_original").bind(note).run();
    transaction.commit();
    log_.info(cat("imported the original service's state: ", note));
}

void SqliteStateStore::requireWritable(const char* operation) const {
    if (mode_ == OpenMode::ReadOnly)
        throw Error(ErrorKind::Internal,
                    cat("state database ", settings_.path.string(), " was opened read-only; ",
                        operation, " needs a writer"));
}

std::optional<RouteCursor> SqliteStateStore::cursor(const std::string& route) {
    std::lock_guard guard(mutex_);
    followOriginal();  // a poll starts here: what the original sent since is not planned again
    Statement::Use use(sql_->cursorGet);
    use.bind(route);
    if (!use.next()) return std::nullopt;
    return RouteCursor{use.text(0), fromUnixMillis(use.integer(1))};
}

std::optional<DeliveryStatus> SqliteStateStore::status(const DeliveryKey& key) {
    std::lock_guard guard(mutex_);
    Statement::Use use(sql_->status);
    use.bind(key.route).bind(key.assetId).bind(key.destination);
    if (!use.next()) return std::nullopt;
    return deliveryStatusFromString(use.text(0));
}

std::optional<DeliveryKey> SqliteStateStore::findByChecksum(const std::string& destination,
                                                            const std::string& checksum) {
    if (checksum.empty()) return std::nullopt;
    std::lock_guard guard(mutex_);
    Statement::Use use(sql_->byChecksum);
    use.bind(destination).bind(checksum);
    if (!use.next()) return std::nullopt;
    return DeliveryKey{use.text(0), use.text(1), use.text(2)};
}

void SqliteStateStore::putQueued(const QueuedDelivery& q, int attempts, const std::string& detail,
                                 std::int64_t now) {
    const Asset& a = q.asset;
    Statement::Use use(sql_->queuePut);
    use.bind(q.key.route)
        .bind(q.key.assetId)
        .bind(q.key.destination)
        .bind(a.checksum)
        .bind(std::int64_t{attempts})
        .bind(toUnixMillis(q.nextAttempt))
        .bind(detail)
        .bind(now)
        .bind(a.fileName)
        .bind(a.mimeType)
        .bind(toString(a.kind))
        .bind(a.takenAt)
        .bind(a.updatedAt)
        .bind(a.owner)
        .bind(static_cast<std::int64_t>(a.sizeBytes));
    use.run();
}

void SqliteStateStore::commit(const Plan& plan) {
    std::lock_guard guard(mutex_);
    requireWritable("commit");
    const std::int64_t now = toUnixMillis(clock_.now());
    Transaction transaction(*db_);
    if (plan.fullListing) Statement::Use(sql_->favoritesHide).bind(plan.route).run();
    for (const Asset& a : plan.listed) {
        Statement::Use use(sql_->favoritePut);
        use.bind(plan.route)
            .bind(a.id)
            .bind(a.checksum)
            .bind(a.fileName)
            .bind(a.mimeType)
            .bind(toString(a.kind))
            .bind(a.takenAt)
            .bind(a.updatedAt)
            .bind(a.owner)
            .bind(static_cast<std::int64_t>(a.sizeBytes))
            .bind(now);
        use.run();
    }
    for (const QueuedDelivery& q : plan.queue) putQueued(q, q.attempts, q.lastError, now);
    for (const SkippedDelivery& s : plan.skipped) {
        Statement::Use use(sql_->skipPut);
        use.bind(s.key.route)
            .bind(s.key.assetId)
            .bind(s.key.destination)
            .bind(s.checksum)
            .bind(s.reason)
            .bind(now);
        use.run();
    }
    Statement::Use(sql_->cursorPut)
        .bind(plan.route)
        .bind(plan.cursor.value)
        .bind(toUnixMillis(plan.cursor.lastFullListing))
        .run();
    transaction.commit();
}

namespace {
/// Reads the rows of a query for due deliveries (due, dueNewest, dueOldest).
void readQueued(Statement::Use& use, std::vector<QueuedDelivery>& result) {
    while (use.next()) {
        QueuedDelivery q;
        q.key = DeliveryKey{use.text(0), use.text(1), use.text(2)};
        q.asset.id = q.key.assetId;
        q.asset.checksum = use.text(3);
        q.attempts = static_cast<int>(use.integer(4));
        q.nextAttempt = fromUnixMillis(use.integer(5));
        q.lastError = use.text(6);
        q.asset.fileName = use.text(7);
        q.asset.mimeType = use.text(8);
        q.asset.kind = assetKindFromString(use.text(9));
        q.asset.takenAt = use.text(10);
        q.asset.updatedAt = use.text(11);
        q.asset.owner = use.text(12);
        q.asset.sizeBytes = static_cast<std::uint64_t>(use.integer(13));
        result.push_back(std::move(q));
    }
}

}  // namespace

std::vector<QueuedDelivery> SqliteStateStore::due(TimePoint now, std::size_t limit) {
    std::lock_guard guard(mutex_);
    std::vector<QueuedDelivery> result;
    followOriginal();
    if (!originalProblem_.empty()) return result;  // logged by followOriginal()
    Statement::Use use(sql_->due);
    use.bind(toUnixMillis(now))
        .bind(static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
    readQueued(use, result);
    return result;
}

std::vector<QueuedDelivery> SqliteStateStore::dueForRoute(const std::string& route, TimePoint now,
                                                          std::size_t limit, bool oldestFirst) {
    std::lock_guard guard(mutex_);
    std::vector<QueuedDelivery> result;
    followOriginal();
    if (!originalProblem_.empty()) return result;  // logged by followOriginal()
    Statement::Use use(oldestFirst ? sql_->dueOldest : sql_->dueNewest);
    use.bind(route)
        .bind(toUnixMillis(now))
        .bind(static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
    readQueued(use, result);
    return result;
}

std::optional<TimePoint> SqliteStateStore::nextDue() {
    std::lock_guard guard(mutex_);
    Statement::Use use(sql_->nextDue);
    if (!use.next() || use.isNull(0)) return std::nullopt;
    return fromUnixMillis(use.integer(0));
}

void SqliteStateStore::record(const DeliveryRecord& r) {
    std::lock_guard guard(mutex_);
    requireWritable("record");
    // One statement is its own transaction: committed (and synced) when it returns.
    Statement::Use use(sql_->recordPut);
    use.bind(r.key.route)
        .bind(r.key.assetId)
        .bind(r.key.destination)
        .bind(toString(r.status))
        .bind(r.checksum)
        .bind(r.sink)
        .bind(std::int64_t{r.attempts})
        .bind(toUnixMillis(r.nextAttempt))
        .bind(r.detail)
        .bind(static_cast<std::int64_t>(r.bytes))
        .bind(toUnixMillis(r.at));
    use.run();
}

void SqliteStateStore::requeue(const std::vector<QueuedDelivery>& deliveries) {
    std::lock_guard guard(mutex_);
    requireWritable("requeue");
    const std::int64_t now = toUnixMillis(clock_.now());
    Transaction transaction(*db_);
    for (const QueuedDelivery& q : deliveries) putQueued(q, 0, "", now);
    transaction.commit();
}

std::uint64_t SqliteStateStore::countDelivered(const std::string& sink, TimePoint since) {
    std::lock_guard guard(mutex_);
    Statement::Use use(sql_->countDelivered);
    use.bind(sink).bind(toUnixMillis(since));
    return use.next() ? static_cast<std::uint64_t>(use.integer(0)) : 0;
}

void SqliteStateStore::recordPass(const PassRecord& p) {
    std::lock_guard guard(mutex_);
    requireWritable("recordPass");
    Transaction transaction(*db_);
    Statement::Use(sql_->passPut)
        .bind(p.route)
        .bind(toUnixMillis(p.started))
        .bind(toUnixMillis(p.finished))
        .bind(std::int64_t{p.fullListing ? 1 : 0})
        .bind(static_cast<std::int64_t>(p.listed))
        .bind(static_cast<std::int64_t>(p.queued))
        .bind(static_cast<std::int64_t>(p.delivered))
        .bind(static_cast<std::int64_t>(p.failed))
        .bind(p.error)
        .run();
    Statement::Use(sql_->passTrim).bind(p.route).run();
    transaction.commit();
}

RouteSummary SqliteStateStore::summarizeRoute(const std::string& route) {
    RouteSummary s;
    s.route = route;
    {
        Statement::Use use(sql_->favoriteCount);
        use.bind(route);
        if (use.next()) s.favorites = static_cast<std::uint64_t>(use.integer(0));
    }
    {
        Statement::Use use(sql_->statusCounts);
        use.bind(route);
        while (use.next()) {
            auto n = static_cast<std::uint64_t>(use.integer(1));
            switch (deliveryStatusFromString(use.text(0))) {
                case DeliveryStatus::Delivered:
                    s.delivered = n;
                    break;
                case DeliveryStatus::Failed:
                    s.failed = n;
                    break;
                case DeliveryStatus::Skipped:
                    s.skipped = n;
                    break;
                case DeliveryStatus::Queued:
                    s.queued = n;
                    s.nextAttempt = fromUnixMillis(use.integer(2));
                    break;
            }
        }
    }
    {
        Statement::Use use(sql_->recentFailures);
        use.bind(route);
        while (use.next())
            s.recentFailures.push_back(FailureRecord{DeliveryKey{route, use.text(0), use.text(1)},
                                                     use.text(2), use.text(3),
                                                     fromUnixMillis(use.integer(4))});
    }
    {
        Statement::Use use(sql_->lastPass);
        use.bind(route);
        if (use.next()) {
            PassRecord p;
            p.route = route;
            p.started = fromUnixMillis(use.integer(0));
            p.finished = fromUnixMillis(use.integer(1));
            p.fullListing = use.integer(2) != 0;
            p.listed = static_cast<std::uint64_t>(use.integer(3));
            p.queued = static_cast<std::uint64_t>(use.integer(4));
            p.delivered = static_cast<std::uint64_t>(use.integer(5));
            p.failed = static_cast<std::uint64_t>(use.integer(6));
            p.error = use.text(7);
            s.lastPass = std::move(p);
        }
    }
    return s;
}

std::vector<RecentDelivery> SqliteStateStore::recentDeliveries(std::size_t limit) {
    std::lock_guard guard(mutex_);
    std::vector<RecentDelivery> result;
    Statement::Use use(sql_->recentDeliveries);
    use.bind(static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
    while (use.next())
        result.push_back(RecentDelivery{DeliveryKey{use.text(0), use.text(1), use.text(2)},
                                        deliveryStatusFromString(use.text(3)), use.text(4),
                                        assetKindFromString(use.text(5)), use.text(6),
                                        fromUnixMillis(use.integer(7)), use.text(8)});
    return result;
}

std::vector<RouteSummary> SqliteStateStore::summarize(const std::vector<std::string>& routes) {
    std::lock_guard guard(mutex_);
    std::vector<RouteSummary> result;
    result.reserve(routes.size());
    // One read transaction, so the counts of all routes agree with each other.
    Transaction snapshot(*db_, Transaction::Kind::Read);
    for (const auto& route : routes) result.push_back(summarizeRoute(route));
    snapshot.commit();
    return result;
}

std::optional<std::string> SqliteStateStore::meta(const std::string& key) {
    std::lock_guard guard(mutex_);
    Statement::Use use(sql_->metaGet);
    use.bind(key);
    if (!use.next()) return std::nullopt;
    return use.text(0);
}

void SqliteStateStore::setMeta(const std::string& key, const std::string& value) {
    std::lock_guard guard(mutex_);
    requireWritable("setMeta");
    Statement::Use(sql_->metaPut).bind(key).bind(value).run();
}

void SqliteStateStore::flush() {
    // Every call already committed durably (synchronous=FULL): nothing is buffered.
}

}  // namespace pixsync::sqlitestate
