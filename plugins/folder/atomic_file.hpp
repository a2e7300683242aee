#pragma once
// Crash-safe file replacement: write a hidden temporary file beside the target, fsync it,
// rename it over the target, fsync the folder. A reader (a frame scanning the share) sees
// either the old file or the complete new one, never half a photo.

#include <sys/types.h>

#include <filesystem>
#include <string_view>

namespace pixsync::folder {

/// Copies `source` to `target` atomically (mode 0644). Throws std::system_error carrying the
/// errno of the step that failed (ENOSPC, EACCES, EROFS, ...), with the path in the message.
void copyFileAtomically(const std::filesystem::path& source, const std::filesystem::path& target);

/// Writes `content` to `target` atomically with `mode` (whatever the umask). Throws like
/// copyFileAtomically().
void writeFileAtomically(std::string_view content, const std::filesystem::path& target,
                         mode_t mode);

/// The prefix of the temporary files, so that leftovers of a crash can be recognised.
inline constexpr std::string_view kTempPrefix = ".pixsync-tmp-";

}  // namespace pixsync::folder
