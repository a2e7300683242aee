#pragma once
/// @file writer_lock.hpp
/// The single-writer guarantee of the state stores: `<state>.lock` held with flock() for the
/// store's lifetime, holding the writer's pid so a refused second writer can name it.

#include <filesystem>

namespace pixsync::state {

/// An exclusive, non-blocking lock on `<state>.lock`. The kernel drops it when the process
/// dies, so a crashed writer never leaves a stale lock behind; the file itself is left in
/// place (removing it would let two writers lock two different files).
class WriterLock {
  public:
    /// Takes the lock. Throws Error(Locked) naming the holder's pid when another process
    /// (or another store in this process) holds it, and then writes nothing.
    explicit WriterLock(const std::filesystem::path& stateFile);
    ~WriterLock();
    WriterLock(const WriterLock&) = delete;
    WriterLock& operator=(const WriterLock&) = delete;

    /// The lock file's path.
    const std::filesystem::path& path() const noexcept { return path_; }

  private:
    std::filesystem::path path_;
    int fd_ = -1;
};

}  // namespace pixsync::state
