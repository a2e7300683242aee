#pragma once
// A state_writer child process whose stdout the test reads line by line.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "process.hpp"

namespace pixsync::test {

/// Starts `program args...` with stdout on a pipe and stderr in `errorFile`. Killed (SIGKILL)
/// and reaped on destruction if still running.
class WriterProcess {
  public:
    WriterProcess(const std::vector<std::string>& argv, const std::filesystem::path& errorFile) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        pid_ = spawn(argv,
                     {.errors = errorFile, .stdoutFd = fds[1], .closeInChild = {fds[0], fds[1]}});
        ::close(fds[1]);
        out_ = fds[0];
    }
    ~WriterProcess() {
        kill();
        if (out_ >= 0) ::close(out_);
    }
    WriterProcess(const WriterProcess&) = delete;
    WriterProcess& operator=(const WriterProcess&) = delete;

    pid_t pid() const { return pid_; }

    /// The next complete line, or nullopt at end of output or after `timeout`.
    std::optional<std::string> readLine(std::chrono::milliseconds timeout) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
                std::string line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                return line;
            }
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0 || !fill(static_cast<int>(left.count()))) return std::nullopt;
        }
    }

    /// SIGKILLs the process, waits for it, and returns every complete line it wrote that
    /// was not read yet (a partial last line was not acknowledged).
    std::vector<std::string> killAndCollect() {
        kill();
        while (fill(-1)) {
        }
        std::vector<std::string> lines;
        std::size_t start = 0;
        for (auto nl = buffer_.find('\n'); nl != std::string::npos;
             nl = buffer_.find('\n', start)) {
            lines.push_back(buffer_.substr(start, nl - start));
            start = nl + 1;
        }
        buffer_.clear();
        return lines;
    }

  private:
    /// Reads what is available; false at end of output or on timeout.
    bool fill(int timeoutMs) {
        pollfd p{out_, POLLIN, 0};
        if (::poll(&p, 1, timeoutMs) <= 0) return false;
        char chunk[4096];
        ssize_t n = ::read(out_, chunk, sizeof chunk);
        if (n <= 0) return false;
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return true;
    }
    void kill() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
    }

    pid_t pid_ = -1;
    int out_ = -1;
    std::string buffer_;
};

}  // namespace pixsync::test
