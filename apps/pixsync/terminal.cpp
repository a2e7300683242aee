#include "terminal.hpp"

#include <unistd.h>

#include <cstdio>

#include "pixsync/strings.hpp"

namespace pixsync::cli {

namespace {
/// Back to the start of the line, and erase it to its end (ANSI "erase in line").
constexpr const char* kClearLine = "\r\033[K";
}  // namespace

Terminal::Terminal() : interactive_(::isatty(STDERR_FILENO) == 1) {}

void Terminal::write(LogLevel, std::string_view line) {
    std::lock_guard lock(mutex_);
    if (!status_.empty()) std::fputs(kClearLine, stderr);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fputc('\n', stderr);
    if (!status_.empty()) std::fputs(status_.c_str(), stderr);
    std::fflush(stderr);
}

void Terminal::showStatus(std::string_view text) {
    if (!interactive_) return;
    std::lock_guard lock(mutex_);
    status_ = escapeControl(text);
    std::fputs(kClearLine, stderr);
    std::fputs(status_.c_str(), stderr);
    std::fflush(stderr);
}

void Terminal::endStatus() {
    std::lock_guard lock(mutex_);
    if (status_.empty()) return;
    std::fputc('\n', stderr);
    std::fflush(stderr);
    status_.clear();
}

}  // namespace pixsync::cli
