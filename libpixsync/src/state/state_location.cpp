// The files a state store and pixsync share (the convention is in state_location.hpp).
#include "pixsync/state_location.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "pixsync/error.hpp"
#include "pixsync/util/private_file.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync {

namespace fs = std::filesystem;

namespace {

fs::path withSuffix(const fs::path& file, const char* suffix) { return file.string() + suffix; }

/// pixsync's own files beside the state, by suffix.
bool isPixsyncSuffix(std::string_view suffix) {
    return suffix == ".lock" || suffix == ".daemon" || suffix.starts_with(".resend") ||
           suffix.starts_with(".reset-");
}

std::string readHolder(int fd) {
    char buffer[32] = {};
    ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
    std::string pid = n > 0 ? trim(std::string(buffer, static_cast<std::size_t>(n))) : "";
    return pid.empty() ? "unknown" : pid;
}

}  // namespace

StateLocation::StateLocation(fs::path file) : file_(std::move(file)) {}

std::optional<StateLocation> StateLocation::of(const Options& stateOptions) {
    fs::path file = stateOptions.path(kStatePathOption, "");
    if (file.empty()) return std::nullopt;
    return StateLocation(std::move(file));
}

fs::path StateLocation::lockFile() const { return withSuffix(file_, ".lock"); }
fs::path StateLocation::daemonMarker() const { return withSuffix(file_, ".daemon"); }
fs::path StateLocation::resendRequests() const { return withSuffix(file_, ".resend"); }
fs::path StateLocation::thumbnails() const { return file_.parent_path() / "pixsync-thumbnails"; }

std::vector<fs::path> StateLocation::storeFiles() const {
    std::vector<fs::path> files;
    std::error_code ec;
    if (fs::exists(file_, ec)) files.push_back(file_);
    const std::string name = file_.filename().string();
    const fs::path folder = file_.parent_path().empty() ? fs::path(".") : file_.parent_path();
    std::vector<fs::path> companions;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string other = it->path().filename().string();
        if (other.size() <= name.size() || !other.starts_with(name)) continue;
        const std::string_view suffix = std::string_view(other).substr(name.size());
        if ((suffix[0] == '-' || suffix[0] == '.') && !isPixsyncSuffix(suffix))
            companions.push_back(file_.parent_path() / other);
    }
    std::sort(companions.begin(), companions.end());
    files.insert(files.end(), companions.begin(), companions.end());
    return files;
}

std::optional<std::string> StateLocation::lockHolder() const {
    const fs::path lock = lockFile();
    const int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0;
    std::optional<std::string> pid;
    if (held) pid = readHolder(fd);
    ::close(fd);
    return pid;
}

std::optional<long> StateLocation::runningDaemon() const {
    long pid = 0;
    std::ifstream(daemonMarker()) >> pid;
    if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM))
        return std::nullopt;
    return pid;
}

StateWriterLock::StateWriterLock(const StateLocation& location) : path_(location.lockFile()) {
    fd_ = openPrivateFile(path_, O_RDWR);
    if (fd_ < 0)
        throw stateError(cat("cannot open the lock file ", path_.string(), " (",
                             std::strerror(errno), "); check the folder's permissions"));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        const std::string holder = readHolder(fd_);
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK)
            throw Error(ErrorKind::Locked,
                        cat(location.file().string(), " is in use by another pixsync (pid ", holder,
                            "); stop it first (./stop.sh) or wait for it to finish"));
        throw stateError(cat("cannot lock ", path_.string(), " (", std::strerror(err), ")"));
    }
    // The pid is informational: a failure to record it must not stop the writer.
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0) {
        [[maybe_unused]] ssize_t written = ::pwrite(fd_, pid.data(), pid.size(), 0);
    }
}

StateWriterLock::~StateWriterLock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace pixsync
