#pragma once
/// @file sqlite_handles.hpp
/// RAII owners of SQLite's handles: a connection, a prepared statement (and one use of it),
/// and a transaction that rolls back unless committed. Every SQLite failure becomes
/// Error(State) naming the database file.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace pixsync::sqlitestate {

/// An open connection.
class Database {
  public:
    /// Opens `file` with sqlite3_open_v2 `flags`; `file` may be ":memory:". A non-empty
    /// `uriQuery` (e.g. "immutable=1") opens it as a URI with those parameters.
    Database(const std::filesystem::path& file, int flags, std::string_view uriQuery = {});
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    sqlite3* handle() const noexcept { return db_; }
    const std::filesystem::path& file() const noexcept { return file_; }

    /// Runs SQL without results (several statements allowed).
    void exec(std::string_view sql);
    /// The first column of the first row of a query as an integer (0 when no row).
    std::int64_t queryInteger(std::string_view sql);

    /// Error(State) for the last failure on this connection.
    [[noreturn]] void fail(std::string_view doing) const;

  private:
    std::filesystem::path file_;
    sqlite3* db_ = nullptr;
};

/// A prepared statement, reused across calls.
class Statement {
  public:
    Statement(Database& db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    /// One execution: binds parameters in order, steps through rows, and resets the statement
    /// when it goes away (so no read transaction is left open between calls).
    class Use {
      public:
        explicit Use(Statement& statement) : s_(statement) {}
        ~Use();
        Use(const Use&) = delete;
        Use& operator=(const Use&) = delete;

        Use& bind(std::string_view text);
        Use& bind(std::int64_t number);
        Use& bindNull();
        /// Advances to the next row; false when there are no more.
        bool next();
        /// Runs a statement that returns no rows.
        void run();

        std::string text(int column) const;
        std::int64_t integer(int column) const;
        bool isNull(int column) const;

      private:
        Statement& s_;
        int index_ = 0;
    };

  private:
    Database& db_;
    sqlite3_stmt* stmt_ = nullptr;
};

/// BEGIN ... COMMIT; rolled back when destroyed uncommitted (an exception).
class Transaction {
  public:
    /// Writing transactions take the write lock up front (BEGIN IMMEDIATE), so they never
    /// fail half-way on a lock upgrade; reading ones (a snapshot) work on read-only files.
    enum class Kind { Write, Read };
    explicit Transaction(Database& db, Kind kind = Kind::Write);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

  private:
    Database& db_;
    bool open_ = true;
};

}  // namespace pixsync::sqlitestate
