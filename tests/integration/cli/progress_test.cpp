// The progress bar as a person sees it: `pixsync once` on a pseudo-terminal, its output
// replayed the way a terminal draws it (carriage return, erase-in-line).
#include <gmock/gmock.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>

#include "cli_fixture.hpp"

using namespace pixsync::test;
using ::testing::HasSubstr;

namespace {

/// Runs `args` with a pseudo-terminal as its stdin, stdout and stderr; returns what it wrote.
/// Bounded: the child is killed after `timeout`.
std::string runOnTerminal(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                          std::chrono::seconds timeout = std::chrono::seconds(60)) {
    int master = -1;
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
    if (pid < 0) throw std::runtime_error("forkpty failed");
    if (pid == 0) {
        if (::chdir(cwd.c_str()) != 0) ::_exit(127);
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    std::string out;
    const auto end = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    while (std::chrono::steady_clock::now() < end) {
        pollfd p{master, POLLIN, 0};
        if (::poll(&p, 1, 200) <= 0) continue;
        const ssize_t n = ::read(master, buf, sizeof buf);
        if (n <= 0) break;  // EIO once the child and its terminal are gone
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::kill(pid, SIGKILL);  // no-op when it has exited
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(master);
    return out;
}

/// The lines a terminal shows for `raw`: '\r' returns to the start of the line, ESC [ K
/// erases from the cursor to the end, other escape sequences are ignored.
std::vector<std::string> screenLines(const std::string& raw) {
    std::vector<std::string> lines;
    std::string line;
    std::size_t col = 0;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c == '\n') {
            lines.push_back(line);
            line.clear();
            col = 0;
        } else if (c == '\r') {
            col = 0;
        } else if (c == '\033' && i + 1 < raw.size() && raw[i + 1] == '[') {
            std::size_t j = i + 2;
            while (j < raw.size() && !std::isalpha(static_cast<unsigned char>(raw[j]))) ++j;
            if (j < raw.size() && raw[j] == 'K') line.resize(col);
            i = j;
        } else {
            if (col < line.size())
                line[col] = c;
            else
                line.push_back(c);
            ++col;
        }
    }
    if (!line.empty()) lines.push_back(line);
    return lines;
}

TEST_F(CliTest, TheProgressBarShowsTheTotalAndAnEtaAndNeverSharesALineWithTheLog) {
    for (int i = 0; i < 6; ++i) favorite("p" + std::to_string(i));
    const std::string raw = runOnTerminal(
        {cliPath().string(), "once", "--config", (dir / "pixsync.json").string()}, dir.path());
    const auto lines = screenLines(raw);
    std::string screen;
    for (const auto& l : lines) screen += l + "\n";

    EXPECT_THAT(screen, HasSubstr("delivering [##############################] 12/12")) << screen;
    EXPECT_THAT(raw, HasSubstr("/12 ETA ")) << "the bar estimates the time left:\n" << raw;
    int logLines = 0;
    for (const auto& l : lines) {
        if (l.find(" INFO ") == std::string::npos) continue;
        ++logLines;
        EXPECT_EQ(l.find("delivering ["), std::string::npos)
            << "a log line drawn over the bar: " << l;
        EXPECT_EQ(l.rfind("20", 0), 0u) << "a log line starts with its timestamp: " << l;
    }
    EXPECT_GE(logLines, 12) << screen;
    EXPECT_EQ(deliveries().size(), 12u);
}

}  // namespace
