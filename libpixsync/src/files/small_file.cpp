#include "pixsync/util/small_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace pixsync {

namespace {

[[noreturn]] void fail(int error, const std::filesystem::path& file, const char* what) {
    throw std::system_error(error, std::generic_category(), std::string(what) + file.string());
}

}  // namespace

std::string readSmallFile(const std::filesystem::path& file, std::uint64_t maxBytes) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(errno, file, "cannot read ");
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    std::string content;
    char buffer[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail(errno, file, "cannot read ");
        }
        if (n == 0) return content;
        // Counted as it arrives: a device or a growing file has no size to trust up front.
        if (content.size() + static_cast<std::size_t>(n) > maxBytes)
            fail(EFBIG, file, ("more than " + std::to_string(maxBytes) + " bytes in ").c_str());
        content.append(buffer, static_cast<std::size_t>(n));
    }
}

}  // namespace pixsync
