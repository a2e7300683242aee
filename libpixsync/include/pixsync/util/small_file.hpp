#pragma once
/// @file small_file.hpp
/// Reading a whole file that should be small — a configuration, a secret, an index — with a
/// bound, so that a wrong path (a disk image, /dev/zero) costs an error, not all the memory.

#include <cstdint>
#include <filesystem>
#include <string>

namespace pixsync {

/// The whole content of `file`, at most `maxBytes` long. Throws std::system_error with the
/// errno of what failed (ENOENT, EACCES, EISDIR, ...; EFBIG when the file holds more than
/// `maxBytes`); its what() names the file. Callers turn it into their own Error kind.
std::string readSmallFile(const std::filesystem::path& file, std::uint64_t maxBytes);

}  // namespace pixsync
