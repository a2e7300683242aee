#include "writer_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "pixsync/error.hpp"
#include "pixsync/private_file.hpp"
#include "pixsync/strings.hpp"

namespace pixsync::state {

namespace {

std::string readHolder(int fd) {
    char buffer[32] = {};
    ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
    std::string pid = n > 0 ? trim(std::string(buffer, static_cast<std::size_t>(n))) : "";
    return pid.empty() ? "unknown" : pid;
}

}  // namespace

WriterLock::WriterLock(const std::filesystem::path& stateFile)
    : path_(stateFile.string() + ".lock") {
    fd_ = openPrivateFile(path_, O_RDWR);
    if (fd_ < 0)
        throw stateError(cat("cannot open the lock file ", path_.string(), " (",
                             std::strerror(errno), "); check the folder's permissions"));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        std::string holder = readHolder(fd_);
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK)
            throw Error(ErrorKind::Locked,
                        cat(stateFile.string(), " is in use by another pixsync (pid ", holder,
                            "); stop it first (./stop.sh) or wait for it to finish"));
        throw stateError(cat("cannot lock ", path_.string(), " (", std::strerror(err), ")"));
    }
    // The pid is informational: a failure to record it must not stop the writer.
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0) {
        [[maybe_unused]] ssize_t written = ::pwrite(fd_, pid.data(), pid.size(), 0);
    }
}

WriterLock::~WriterLock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace pixsync::state
