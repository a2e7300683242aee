#include "atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string>
#include <system_error>

#include "pixsync/util/atomic_file.hpp"
#include "pixsync/util/unique_fd.hpp"

namespace pixsync::folder {

namespace {

// Network shares may not sync a folder at all; the renamed photo is then as safe as the
// share makes it.
constexpr auto kFolderSync = AtomicFile::FolderSync::BestEffort;

}  // namespace

void copyFileAtomically(const std::filesystem::path& source, const std::filesystem::path& target) {
    UniqueFd in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
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
