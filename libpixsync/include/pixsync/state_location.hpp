#pragma once
/// @file state_location.hpp
/// Where a state store keeps its data, and the files beside it that pixsync and the store
/// share. This is part of the StateStore contract (state_store.hpp):
///
/// - A store that keeps its data in a file declares the Path option `path` (kStatePathOption)
///   and keeps its data at that path. A store without it keeps nothing pixsync can find: it
///   runs, but `pixsync resend` cannot reach a running daemon, `pixsync state reset` refuses,
///   and the status page shows no thumbnails.
/// - Any further file the store keeps is named `<path>` + a suffix that starts with `-` or
///   `.` (SQLite's `-wal` and `-shm`, a `.tmp` being written). `pixsync state reset` moves them
///   aside together with the file.
/// - These suffixes are pixsync's, never a store's: `.lock` (the writer lock, which the store
///   takes with StateWriterLock), `.daemon`, `.resend`, `.resend.processing` and `.reset-*`.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pixsync/options.hpp"

namespace pixsync {

/// The option through which a state store names its file.
inline constexpr const char* kStatePathOption = "path";

class StateLocation {
  public:
    explicit StateLocation(std::filesystem::path file);

    /// The location a state instance's options name; nullopt when they name no file (the
    /// store keeps its data elsewhere, or declares no `path`).
    static std::optional<StateLocation> of(const Options& stateOptions);

    /// The store's data file.
    const std::filesystem::path& file() const noexcept { return file_; }
    /// `<file>.lock`: held by the one process writing the state, holding its pid.
    std::filesystem::path lockFile() const;
    /// `<file>.daemon`: the pid of a daemon that takes requests (a one-off command does not).
    std::filesystem::path daemonMarker() const;
    /// `<file>.resend`: re-queue requests waiting for the daemon, one route id per line.
    std::filesystem::path resendRequests() const;
    /// The status page's thumbnails, in the state's folder.
    std::filesystem::path thumbnails() const;

    /// The store's files that exist now: the data file first, then its companions by name.
    /// Never one of pixsync's own files (see above).
    std::vector<std::filesystem::path> storeFiles() const;

    /// The pid of the process holding the writer lock; nullopt when none does.
    std::optional<std::string> lockHolder() const;
    /// The pid of the daemon running on this state; nullopt when none is (a marker left by a
    /// daemon that was killed names a process that is gone).
    std::optional<long> runningDaemon() const;

  private:
    std::filesystem::path file_;
};

/// The single-writer guarantee of a state store: `<file>.lock` held with flock() for the
/// store's lifetime, holding the writer's pid so that a refused second writer can name it.
/// The kernel drops the lock when the process dies, so a crashed writer never leaves a stale
/// lock; the file itself stays (removing it would let two writers lock two different files).
class StateWriterLock {
  public:
    /// Takes the lock. Throws Error(Locked) naming the holder's pid when another process (or
    /// another store in this process) holds it, and then writes nothing; Error(State) when
    /// the lock file cannot be opened.
    explicit StateWriterLock(const StateLocation& location);
    ~StateWriterLock();
    StateWriterLock(const StateWriterLock&) = delete;
    StateWriterLock& operator=(const StateWriterLock&) = delete;

    /// The lock file's path.
    const std::filesystem::path& path() const noexcept { return path_; }

  private:
    std::filesystem::path path_;
    int fd_ = -1;
};

}  // namespace pixsync
