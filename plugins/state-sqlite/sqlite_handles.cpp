#include "sqlite_handles.hpp"

#include <sqlite3.h>

#include <cctype>
#include <cstring>

#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::sqlitestate {

namespace {

/// "file:" URI of a path: everything but unreserved characters and '/' percent-encoded, so
/// that '?', '#' and '%' in a folder name stay part of the path.
std::string fileUri(const std::filesystem::path& file, std::string_view query) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string uri = "file:";
    for (unsigned char c : file.string()) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
            uri += static_cast<char>(c);
        } else {
            uri += '%';
            uri += kHex[c >> 4];
            uri += kHex[c & 15];
        }
    }
    return cat(uri, "?", query);
}

}  // namespace

Database::Database(const std::filesystem::path& file, int flags, std::string_view uriQuery)
    : file_(file) {
    const std::string name = uriQuery.empty() ? file.string() : fileUri(file, uriQuery);
    if (!uriQuery.empty()) flags |= SQLITE_OPEN_URI;
    int rc = sqlite3_open_v2(name.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close_v2(db_);
        db_ = nullptr;
        throw stateError(cat("state database ", file.string(), ": cannot open it (", message, ")"));
    }
    sqlite3_extended_result_codes(db_, 1);
}

Database::~Database() { sqlite3_close_v2(db_); }

void Database::fail(std::string_view doing) const {
    // A write the file system refused (a full disk, a quota, a file size limit) comes back as
    // "disk I/O error" or "database or disk is full"; say it in words the owner can act on.
    const int code = sqlite3_extended_errcode(db_);
    if (code == SQLITE_FULL || code == SQLITE_IOERR_WRITE || code == SQLITE_IOERR_FSYNC ||
        code == SQLITE_IOERR_TRUNCATE || code == SQLITE_IOERR_SHMSIZE) {
        const int cause = sqlite3_system_errno(db_);
        throw stateError(cat("cannot write the state database ", file_.string(), ": ",
                             cause ? std::strerror(cause) : "the disk refused the write",
                             " (full, over a quota or a file size limit; ", doing,
                             "): make room on its disk, then start pixsync again; queued photos "
                             "stay queued and nothing is marked failed"));
    }
    throw stateError(
        cat("state database ", file_.string(), ": ", doing, " failed (", sqlite3_errmsg(db_), ")"));
}

void Database::exec(std::string_view sql) {
    std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
        fail(cat("running '", text.substr(0, 60), "'"));
}

std::int64_t Database::queryInteger(std::string_view sql) {
    Statement statement(*this, sql);
    Statement::Use use(statement);
    return use.next() ? use.integer(0) : 0;
}

Statement::Statement(Database& db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
        db.fail(cat("preparing '", sql.substr(0, 60), "'"));
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Use::~Use() {
    sqlite3_reset(s_.stmt_);
    sqlite3_clear_bindings(s_.stmt_);
}

Statement::Use& Statement::Use::bind(std::string_view text) {
    if (sqlite3_bind_text(s_.stmt_, ++index_, text.data(), static_cast<int>(text.size()),
                          SQLITE_TRANSIENT) != SQLITE_OK)
        s_.db_.fail("binding a value");
    return *this;
}

Statement::Use& Statement::Use::bind(std::int64_t number) {
    if (sqlite3_bind_int64(s_.stmt_, ++index_, number) != SQLITE_OK) s_.db_.fail("binding a value");
    return *this;
}

Statement::Use& Statement::Use::bindNull() {
    if (sqlite3_bind_null(s_.stmt_, ++index_) != SQLITE_OK) s_.db_.fail("binding a value");
    return *this;
}

bool Statement::Use::next() {
    int rc = sqlite3_step(s_.stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    s_.db_.fail(cat("'", std::string_view(sqlite3_sql(s_.stmt_)).substr(0, 60), "'"));
}

void Statement::Use::run() {
    while (next()) {
    }
}

std::string Statement::Use::text(int column) const {
    const unsigned char* p = sqlite3_column_text(s_.stmt_, column);
    if (!p) return {};
    return std::string(reinterpret_cast<const char*>(p),
                       static_cast<std::size_t>(sqlite3_column_bytes(s_.stmt_, column)));
}

std::int64_t Statement::Use::integer(int column) const {
    return sqlite3_column_int64(s_.stmt_, column);
}

bool Statement::Use::isNull(int column) const {
    return sqlite3_column_type(s_.stmt_, column) == SQLITE_NULL;
}

Transaction::Transaction(Database& db, Kind kind) : db_(db) {
    db_.exec(kind == Kind::Write ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
    if (open_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
    db_.exec("COMMIT");
    open_ = false;
}

}  // namespace pixsync::sqlitestate
