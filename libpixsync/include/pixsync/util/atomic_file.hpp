#pragma once
/// @file atomic_file.hpp
/// Replacing a file so that a reader or a crash sees either the old content or the complete
/// new one, never a part: write a temporary file beside it, fsync it, rename it over the
/// target, fsync the folder.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace pixsync {

/// A new version of one file, being written. Until commit() the target is untouched and the
/// temporary file is removed when this goes away (also when an exception unwinds).
/// Failures throw std::system_error with the errno of the step that failed and the path.
class AtomicFile {
  public:
    /// Creates the temporary file in the target's folder, named `<target>.tmp-XXXXXX`, or
    /// `<folder>/<tempPrefix>XXXXXX` when a prefix is given (so leftovers can be recognised).
    explicit AtomicFile(std::filesystem::path target, std::string_view tempPrefix = {});
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    ~AtomicFile();

    /// Appends bytes.
    void write(std::string_view bytes);
    /// Bytes written so far.
    std::uint64_t size() const noexcept { return size_; }
    /// Whether a folder that cannot be synced fails commit(): some network shares cannot
    /// sync a folder at all, and there the renamed file is as safe as the share makes it.
    enum class FolderSync { Required, BestEffort };
    /// Syncs the file with `mode` (whatever the umask), renames it over the target and syncs
    /// the folder, so the new version survives a power loss.
    void commit(mode_t mode, FolderSync folderSync = FolderSync::Required);

    const std::filesystem::path& target() const noexcept { return target_; }

  private:
    std::filesystem::path target_;
    std::filesystem::path temp_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
    bool committed_ = false;
};

}  // namespace pixsync
