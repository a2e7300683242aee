#include "atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string>
#include <system_error>
#include <vector>

namespace pixsync::folder {

namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path, int error) {
    throw std::system_error(error, std::generic_category(), what + " " + path.string());
}

/// An open file descriptor, closed on destruction.
class Descriptor {
  public:
    explicit Descriptor(int fd) : fd_(fd) {}
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    ~Descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

  private:
    int fd_;
};

/// A temporary file beside the target; removed unless it was renamed into place.
class PendingFile {
  public:
    explicit PendingFile(const std::filesystem::path& target) {
        std::string pattern = (target.parent_path() / kTempPrefix).string();
        pattern += "XXXXXX";
        std::vector<char> name(pattern.begin(), pattern.end());
        name.push_back('\0');
        const int fd = ::mkostemp(name.data(), O_CLOEXEC);
        if (fd < 0) fail("cannot create a file in", target.parent_path(), errno);
        path_ = name.data();
        fd_ = fd;
    }
    PendingFile(const PendingFile&) = delete;
    PendingFile& operator=(const PendingFile&) = delete;
    ~PendingFile() {
        if (fd_ >= 0) ::close(fd_);
        if (!committed_) ::unlink(path_.c_str());
    }

    void write(const char* data, std::size_t size) {
        while (size > 0) {
            const ssize_t n = ::write(fd_, data, size);
            if (n < 0) {
                if (errno == EINTR) continue;
                fail("cannot write", path_, errno);
            }
            data += n;
            size -= static_cast<std::size_t>(n);
        }
    }

    void commit(const std::filesystem::path& target, mode_t mode) {
        if (::fchmod(fd_, mode) != 0) fail("cannot set the mode of", path_, errno);
        if (::fsync(fd_) != 0) fail("cannot flush", path_, errno);
        const int fd = fd_;
        fd_ = -1;
        if (::close(fd) != 0) fail("cannot write", path_, errno);
        if (::rename(path_.c_str(), target.c_str()) != 0) fail("cannot rename into", target, errno);
        committed_ = true;
        // The rename itself must survive a power loss too.
        Descriptor dir(::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (dir.get() >= 0) ::fsync(dir.get());
    }

  private:
    std::filesystem::path path_;
    int fd_ = -1;
    bool committed_ = false;
};

}  // namespace

void copyFileAtomically(const std::filesystem::path& source, const std::filesystem::path& target) {
    Descriptor in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
    if (in.get() < 0) fail("cannot read", source, errno);
    PendingFile out(target);
    std::array<char, 64 * 1024> buffer{};
    for (;;) {
        const ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot read", source, errno);
        }
        if (n == 0) break;
        out.write(buffer.data(), static_cast<std::size_t>(n));
    }
    out.commit(target, 0644);  // photos are for the share's readers
}

void writeFileAtomically(std::string_view content, const std::filesystem::path& target,
                         mode_t mode) {
    PendingFile out(target);
    out.write(content.data(), content.size());
    out.commit(target, mode);
}

}  // namespace pixsync::folder
