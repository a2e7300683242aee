#pragma once
// Child processes for the tests: one way to start a program (fork + exec, no shell) and the
// few ways the tests wait for one. Every test that runs a program goes through here.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace pixsync::test {

/// How spawn() sets a child up before it execs.
struct ChildSetup {
    std::filesystem::path cwd = {};     ///< empty: the test's own
    std::filesystem::path output = {};  ///< stdout and stderr to this file; empty: inherited
    bool appendOutput = true;           ///< append to `output` (false: truncate it)
    std::filesystem::path errors = {};  ///< stderr alone to this file (truncated); empty: as above
    int stdoutFd = -1;                  ///< stdout to this descriptor (a pipe's end)
    int stderrFd = -1;                  ///< stderr to this descriptor
    bool stdinFromDevNull = false;
    std::vector<int> closeInChild = {};  ///< the test's descriptors the child must not keep
    std::map<std::string, std::string> env = {};  ///< added to the test's environment
    bool searchPath = false;                      ///< look argv[0] up in PATH
};

/// Starts `argv` set up as asked and returns its pid. A child that cannot be set up or exec'd
/// exits with 127.
pid_t spawn(const std::vector<std::string>& argv, const ChildSetup& setup);

/// The exit code of a finished child from waitpid()'s status: its code, or minus the signal
/// that ended it.
int exitCodeOf(int status);

/// Result of running a command.
struct CommandResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};
/// Runs a program with arguments (no shell) and extra environment, capturing output.
/// `timeoutSeconds` kills it (exit code -9) when exceeded.
CommandResult run(const std::vector<std::string>& argv,
                  const std::map<std::string, std::string>& env = {},
                  const std::filesystem::path& cwd = {}, int timeoutSeconds = 120);

/// A finished process with its wall time and peak resident memory (from wait4()).
struct Measured {
    int exitCode = -1;   ///< -9 when it had to be killed
    std::string output;  ///< its stdout and stderr
    double seconds = 0;
    long peakRssKb = 0;
};
/// Runs `argv` in `cwd`, stdout and stderr to `outputFile`, killed after `limit`.
Measured runMeasured(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                     const std::filesystem::path& outputFile, std::chrono::seconds limit);

/// A program started in the background (a daemon under test); killed if still running when
/// the object goes away.
class BackgroundProcess {
  public:
    /// Starts `argv` in `cwd` with `env` added to the environment; with `output`, stdout and
    /// stderr are appended to that file.
    BackgroundProcess(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                      const std::filesystem::path& output = {},
                      const std::map<std::string, std::string>& env = {});
    ~BackgroundProcess();
    BackgroundProcess(const BackgroundProcess&) = delete;
    BackgroundProcess& operator=(const BackgroundProcess&) = delete;

    int pid() const { return pid_; }
    void signal(int sig) const;
    /// The exit code (128 + signal when killed), or -1 if it did not exit within `timeout`.
    int wait(std::chrono::milliseconds timeout);

  private:
    int pid_ = -1;
};

}  // namespace pixsync::test
