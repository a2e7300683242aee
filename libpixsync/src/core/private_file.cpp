#include "pixsync/util/private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace pixsync {

int openPrivateFile(const std::filesystem::path& file, int flags) noexcept {
    // Created exclusively, so that only a file made here gets its mode set: the umask may
    // have taken bits off 0600, which fchmod puts back.
    for (int attempt = 0; attempt < 3; ++attempt) {
        int fd = ::open(file.c_str(), flags | O_CREAT | O_EXCL | O_CLOEXEC, kPrivateFileMode);
        if (fd >= 0) {
            if (::fchmod(fd, kPrivateFileMode) != 0) {
                const int error = errno;
                ::close(fd);
                errno = error;
                return -1;
            }
            return fd;
        }
        if (errno != EEXIST) return -1;
        fd = ::open(file.c_str(), (flags & ~O_CREAT) | O_CLOEXEC);
        if (fd >= 0 || errno != ENOENT) return fd;
        // Removed between the two calls: try creating it again.
    }
    errno = EAGAIN;
    return -1;
}

bool createPrivateFile(const std::filesystem::path& file) noexcept {
    const int fd = openPrivateFile(file, O_WRONLY | O_APPEND);
    if (fd < 0) return false;
    ::close(fd);
    return true;
}

}  // namespace pixsync
