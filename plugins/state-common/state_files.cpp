#include "state_files.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "pixsync/util/strings.hpp"
#include "pixsync/util/unique_fd.hpp"

namespace pixsync::state {

namespace fs = std::filesystem;

std::string recoveryAdvice() {
    return "restore it from a backup, or move it aside and run `pixsync state baseline` to "
           "record everything currently favorited as already sent (nothing is resent), or "
           "`pixsync state reset --i-know` to start over and send everything again";
}

Error unusableState(const fs::path& file, const std::string& problem) {
    return stateError(cat("state file ", file.string(), ": ", problem,
                          ". pixsync will not treat it as empty (that would resend every photo): ",
                          recoveryAdvice()));
}

Error unreadableState(const fs::path& file, int error) {
    if (error != EACCES && error != EPERM)
        return unusableState(file, cat("cannot be read (", std::strerror(error), ")"));
    std::string owner;
    struct stat info {};
    if (::stat(file.c_str(), &info) == 0) {
        passwd entry{};
        passwd* user = nullptr;
        char buffer[1024];
        ::getpwuid_r(info.st_uid, &entry, buffer, sizeof buffer, &user);
        owner = cat(" (it belongs to ",
                    user ? std::string(user->pw_name) : "uid " + std::to_string(info.st_uid), ")");
    }
    return stateError(cat("state file ", file.string(), ": cannot be read (", std::strerror(error),
                          ")", owner,
                          ": run pixsync as the user that runs the daemon (e.g. with sudo -u), or "
                          "give this user read access to it and its folder"));
}

std::optional<std::string> readStateFile(const fs::path& file) {
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        if (errno == ENOENT) return std::nullopt;
        throw unreadableState(file, errno);
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode))
        throw unusableState(file, "is not a regular file");
    std::string content;
    content.reserve(static_cast<std::size_t>(info.st_size));
    char buffer[1 << 16];
    for (;;) {
        ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw unreadableState(file, errno);
        }
        if (n == 0) break;
        content.append(buffer, static_cast<std::size_t>(n));
    }
    return content;
}

void requireReadableFile(const fs::path& file) {
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) throw unreadableState(file, errno);
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode))
        throw unusableState(file, "is not a regular file");
}

fs::path folderOf(const fs::path& file) {
    fs::path folder = file.parent_path();
    return folder.empty() ? fs::path(".") : folder;
}

void syncFolder(const fs::path& file) {
    UniqueFd dir(::open(folderOf(file).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() < 0 || ::fsync(dir.get()) != 0)
        throw stateError(cat("state file ", file.string(), ": cannot sync its folder ",
                             folderOf(file).string(), " (", std::strerror(errno), ")"));
}

void requireWritableFolder(const fs::path& file) {
    fs::path folder = folderOf(file);
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw stateError(cat("state file ", file.string(), ": the folder ", folder.string(),
                             " does not exist; create it or point the state path elsewhere"));
    if (::access(folder.c_str(), W_OK | X_OK) != 0)
        throw stateError(cat("state file ", file.string(), ": the folder ", folder.string(),
                             " is not writable (", std::strerror(errno),
                             "); fix its permissions or point the state path elsewhere"));
}

}  // namespace pixsync::state
