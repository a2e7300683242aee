// The original service may still run while users switch: ids it records in its state file
// after pixsync imported that file must not be sent by pixsync again. The file is watched
// (size, modification time, inode) and read again whenever it changed, before a poll and
// before deliveries are handed out.

#include <sqlite3.h>
#include <sys/stat.h>

#include "pixsync/util/strings.hpp"
#include "sqlite_state_store.hpp"
#include "state-common/state_files.hpp"

namespace pixsync::sqlitestate {

namespace {

constexpr const char* kStampGetSql = "SELECT value FROM meta WHERE key = 'original_stamp'";
constexpr const char* kStampPutSql =
    "INSERT INTO meta (key, value) VALUES ('original_stamp', ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
constexpr const char* kImportSql =
    "INSERT OR IGNORE INTO deliveries (route, asset_id, destination, status, updated) "
    "VALUES (?1, ?2, '*', 'delivered', ?3)";
constexpr const char* kSettleSql =
    "UPDATE deliveries SET status = 'skipped', detail = 'sent by the original service', "
    "updated = ?3 WHERE route = ?1 AND asset_id = ?2 AND status = 'queued'";

}  // namespace

std::string SqliteStateStore::originalStamp() const {
    struct stat st {};
    if (::stat(settings_.importOriginal.c_str(), &st) != 0) return {};
    return cat(st.st_size, ":", st.st_mtim.tv_sec, ".", st.st_mtim.tv_nsec, ":", st.st_ino);
}

void SqliteStateStore::rememberOriginalStamp(const std::string& stamp) {
    Statement put(*db_, kStampPutSql);
    Statement::Use(put).bind(stamp).run();
    originalStamp_ = stamp;
}

void SqliteStateStore::followOriginal() {
    if (settings_.importOriginal.empty() || mode_ != OpenMode::ReadWrite) return;
    // Taken before reading: a change made during the read is seen next time.
    const std::string stamp = originalStamp();
    if (stamp.empty() || stamp == originalStamp_) return;  // gone or unchanged: nothing new
    if (originalStamp_.empty()) {
        Statement get(*db_, kStampGetSql);
        Statement::Use use(get);
        if (use.next()) originalStamp_ = use.text(0);
        if (stamp == originalStamp_) return;
    }
    state::SentByRoute sent;
    try {
        sent = state::loadOriginalState(settings_.importOriginal);
    } catch (const Error& e) {
        // Perhaps caught while the original service rewrites it. Until it reads again,
        // nothing is handed out for delivery: what it recorded may be among the queue.
        if (originalProblem_ != e.what())
            log_.warning(cat(e.what(),
                             "; pixsync sends nothing until it can read that file "
                             "again, so that nothing the original service sent goes "
                             "out twice (stop the original service, or repair the file)"));
        originalProblem_ = e.what();
        return;
    }
    if (!originalProblem_.empty())
        log_.info(cat(settings_.importOriginal.string(), " can be read again; sending resumes"));
    originalProblem_.clear();

    const std::int64_t now = toUnixMillis(clock_.now());
    std::size_t added = 0, settled = 0;
    Statement importId(*db_, kImportSql), settle(*db_, kSettleSql);
    Transaction transaction(*db_);
    for (const auto& [route, ids] : sent) {
        for (const auto& id : ids) {
            Statement::Use(importId).bind(route).bind(id).bind(now).run();
            if (sqlite3_changes(db_->handle()) == 0) continue;  // known already
            ++added;
            // Queued before the original recorded it: the original has sent it since.
            Statement::Use(settle).bind(route).bind(id).bind(now).run();
            settled += static_cast<std::size_t>(sqlite3_changes(db_->handle()));
        }
    }
    rememberOriginalStamp(stamp);
    transaction.commit();
    if (added > 0)
        log_.info(cat("the original service recorded ", added, " more sent ids in ",
                      settings_.importOriginal.string(),
                      " since pixsync imported it; they are not "
                      "sent again",
                      settled > 0 ? cat(" (", settled, " queued deliveries dropped)") : ""));
}

}  // namespace pixsync::sqlitestate
