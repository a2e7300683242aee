#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace pixsync::test {

namespace fs = std::filesystem;

pid_t spawn(const std::vector<std::string>& argv, const ChildSetup& setup) {
    // Everything the child needs is made before fork(): it only calls into the kernel then
    // (and setenv(), as the tests always have).
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int outputFlags =
        O_WRONLY | O_CREAT | O_CLOEXEC | (setup.appendOutput ? O_APPEND : O_TRUNC);
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid > 0) return pid;
    if (!setup.cwd.empty() && ::chdir(setup.cwd.c_str()) != 0) ::_exit(127);
    if (!setup.output.empty()) {
        const int fd = ::open(setup.output.c_str(), outputFlags, 0600);
        if (fd < 0) ::_exit(127);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
    }
    if (!setup.errors.empty()) {
        const int fd = ::open(setup.errors.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd >= 0) ::dup2(fd, 2);
    }
    if (setup.stdoutFd >= 0) ::dup2(setup.stdoutFd, 1);
    if (setup.stderrFd >= 0) ::dup2(setup.stderrFd, 2);
    if (setup.stdinFromDevNull) {
        const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) ::dup2(fd, 0);
    }
    // Only 0, 1 and 2 stay: a daemon the command leaves behind must not hold the test's pipes.
    for (int fd : setup.closeInChild)
        if (fd > 2) ::close(fd);
    for (const auto& [k, v] : setup.env) ::setenv(k.c_str(), v.c_str(), 1);
    if (setup.searchPath)
        ::execvp(args[0], args.data());
    else
        ::execv(args[0], args.data());
    ::_exit(127);
}

int exitCodeOf(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return -WTERMSIG(status);
    return -1;
}

CommandResult run(const std::vector<std::string>& argv,
                  const std::map<std::string, std::string>& env, const fs::path& cwd,
                  int timeoutSeconds) {
    int outPipe[2], errPipe[2];
    if (::pipe2(outPipe, O_CLOEXEC) != 0 || ::pipe2(errPipe, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    const pid_t pid = spawn(argv, {.cwd = cwd,
                                   .stdoutFd = outPipe[1],
                                   .stderrFd = errPipe[1],
                                   .stdinFromDevNull = true,
                                   .closeInChild = {outPipe[0], outPipe[1], errPipe[0], errPipe[1]},
                                   .env = env,
                                   .searchPath = true});
    ::close(outPipe[1]);
    ::close(errPipe[1]);
    CommandResult result;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
    pollfd fds[2] = {{outPipe[0], POLLIN, 0}, {errPipe[0], POLLIN, 0}};
    int open = 2;
    bool killed = false;
    while (open > 0) {
        const int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            deadline - std::chrono::steady_clock::now())
                                            .count());
        if (ms <= 0) {
            ::kill(pid, SIGKILL);
            killed = true;
            break;
        }
        if (::poll(fds, 2, ms) < 0) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[8192];
            const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n <= 0) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open;
            } else {
                (i == 0 ? result.out : result.err).append(buf, static_cast<std::size_t>(n));
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) ::close(f.fd);
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exitCode = killed ? -9 : exitCodeOf(status);
    return result;
}

Measured runMeasured(const std::vector<std::string>& argv, const fs::path& cwd,
                     const fs::path& outputFile, std::chrono::seconds limit) {
    const auto started = std::chrono::steady_clock::now();
    const pid_t pid = spawn(argv, {.cwd = cwd, .output = outputFile, .appendOutput = false});
    Measured m;
    int status = 0;
    rusage usage{};
    bool killed = false;
    while (::wait4(pid, &status, WNOHANG, &usage) == 0) {
        if (std::chrono::steady_clock::now() - started > limit) {
            ::kill(pid, SIGKILL);
            ::wait4(pid, &status, 0, &usage);
            killed = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    m.exitCode = killed ? -9 : exitCodeOf(status);
    m.peakRssKb = usage.ru_maxrss;  // kilobytes on Linux
    std::ifstream in(outputFile, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    m.output = text.str();
    return m;
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv, const fs::path& cwd,
                                     const fs::path& output,
                                     const std::map<std::string, std::string>& env)
    : pid_(spawn(argv, {.cwd = cwd, .output = output, .env = env})) {}

BackgroundProcess::~BackgroundProcess() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
}

void BackgroundProcess::signal(int sig) const {
    if (pid_ > 0) ::kill(pid_, sig);
}

int BackgroundProcess::wait(std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        ::usleep(20'000);
    }
    return -1;
}

}  // namespace pixsync::test
