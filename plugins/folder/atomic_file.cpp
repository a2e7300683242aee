#include "atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string>
#include <system_error>

#include "pixsync/atomic_file.hpp"

namespace pixsync::folder {

namespace {

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

// Network shares may not sync a folder at all; the renamed photo is then as safe as the
// share makes it.
constexpr auto kFolderSync = AtomicFile::FolderSync::BestEffort;

}  // namespace

void copyFileAtomically(const std::filesystem::path& source, const std::filesystem::path& target) {
    Descriptor in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
    if (in.get() < 0)
        throw std::system_error(errno, std::generic_category(), "cannot read " + source.string());
    AtomicFile out(target, kTempPrefix);
    std::array<char, 64 * 1024> buffer{};
    for (;;) {
        const ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw std::system_error(errno, std::generic_category(),
                                    "cannot read " + source.string());
        }
        if (n == 0) break;
        out.write({buffer.data(), static_cast<std::size_t>(n)});
    }
    out.commit(0644, kFolderSync);  // photos are for the share's readers
}

void writeFileAtomically(std::string_view content, const std::filesystem::path& target,
                         mode_t mode) {
    AtomicFile out(target, kTempPrefix);
    out.write(content);
    out.commit(mode, kFolderSync);
}

}  // namespace pixsync::folder
