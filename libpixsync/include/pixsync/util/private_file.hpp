#pragma once
/// @file private_file.hpp
/// Files pixsync creates for itself (its state and the state's companions, the lock, the log,
/// the pid file, the folder sink's index) hold e-mail addresses and photo names: they are
/// created with mode 0600, whatever the umask.

#include <sys/types.h>

#include <filesystem>

namespace pixsync {

/// The mode of files pixsync creates for itself.
inline constexpr mode_t kPrivateFileMode = 0600;

/// Opens `file` with `flags` (O_WRONLY or O_RDWR, optionally O_APPEND or O_TRUNC), creating it
/// with mode 0600 whatever the umask when it does not exist. An existing file keeps its mode:
/// that is the owner's choice. Returns a close-on-exec descriptor the caller closes, or -1
/// with errno set.
int openPrivateFile(const std::filesystem::path& file, int flags) noexcept;

/// Creates `file` empty with mode 0600 (whatever the umask) unless it exists. False with
/// errno set when it can be neither created nor opened.
bool createPrivateFile(const std::filesystem::path& file) noexcept;

}  // namespace pixsync
