#include "pixsync/util/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <vector>

namespace pixsync {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what, const fs::path& path, int error) {
    throw std::system_error(error, std::generic_category(), what + " " + path.string());
}

fs::path folderOf(const fs::path& file) {
    fs::path folder = file.parent_path();
    return folder.empty() ? fs::path(".") : folder;
}

}  // namespace

AtomicFile::AtomicFile(fs::path target, std::string_view tempPrefix) : target_(std::move(target)) {
    std::string pattern =
        tempPrefix.empty() ? target_.string() + ".tmp-" : (folderOf(target_) / tempPrefix).string();
    pattern += "XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd_ < 0) fail("cannot create a temporary file in", folderOf(target_), errno);
    temp_ = name.data();
}

AtomicFile::~AtomicFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

void AtomicFile::write(std::string_view bytes) {
    const char* data = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd_, data, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot write", temp_, errno);
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
    size_ += bytes.size();
}

void AtomicFile::commit(mode_t mode, FolderSync folderSync) {
    if (::fchmod(fd_, mode) != 0) fail("cannot set the mode of", temp_, errno);
    if (::fsync(fd_) != 0) fail("cannot flush", temp_, errno);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("cannot write", temp_, errno);
    if (::rename(temp_.c_str(), target_.c_str()) != 0) fail("cannot rename into", target_, errno);
    committed_ = true;
    // The rename itself must survive a power loss too.
    const int dir = ::open(folderOf(target_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const int synced = dir < 0 ? -1 : ::fsync(dir);
    const int error = errno;
    if (dir >= 0) ::close(dir);
    if (synced != 0 && folderSync == FolderSync::Required)
        fail("cannot sync the folder", folderOf(target_), error);
}

}  // namespace pixsync
