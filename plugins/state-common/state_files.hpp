#pragma once
/// @file state_files.hpp
/// File handling shared by the state store plugins: the wording of "this state is unusable"
/// errors, strict reading of a state file and the check that its folder can hold it.

#include <filesystem>
#include <optional>
#include <string>

#include "pixsync/error.hpp"

namespace pixsync::state {

/// How to get going again after a state file cannot be used. Part of every Error(State)
/// about an unusable state, so the person reading it never has to look the steps up.
std::string recoveryAdvice();

/// Error(State) naming the file and the problem, followed by the recovery advice.
Error unusableState(const std::filesystem::path& file, const std::string& problem);

/// Error(State) for a state file (or a companion of it) this process may not open: names the
/// file, the reason and its owner, and says to run pixsync as that user. The content is not
/// in question, so it neither calls the state damaged nor suggests a reset. Other errors
/// (`error` is an errno value) get the recovery advice of unusableState().
Error unreadableState(const std::filesystem::path& file, int error);

/// The whole content of a state file; nullopt when it does not exist (a first start).
/// Any other failure to read it (permissions, a folder in its place) is Error(State).
std::optional<std::string> readStateFile(const std::filesystem::path& file);

/// Checks that an existing state file is a regular file this process can read, without
/// reading it (a database can be large). Throws Error(State) like readStateFile().
void requireReadableFile(const std::filesystem::path& file);

/// Checks that the folder meant to hold `file` exists and is writable, so a store that will
/// have to write later fails now, with the folder named, instead of after the first delivery.
void requireWritableFolder(const std::filesystem::path& file);

/// fsync()s the folder holding `file`, so a rename into it survives a power loss.
/// Throws Error(State).
void syncFolder(const std::filesystem::path& file);

/// The folder holding `file` ("." for a bare file name).
std::filesystem::path folderOf(const std::filesystem::path& file);

}  // namespace pixsync::state
