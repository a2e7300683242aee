#include "terminal.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "pixsync/util/strings.hpp"

namespace pixsync::cli {

namespace {
/// Back to the start of the line, and erase it to its end (ANSI "erase in line").
constexpr const char* kClearLine = "\r\033[K";
}  // namespace

Terminal::Terminal() : interactive_(::isatty(STDERR_FILENO) == 1) {}

bool stderrIsJournal(const std::string& journalStream) {
    struct stat st {};
    if (journalStream.empty() || ::fstat(2, &st) != 0) return false;
    return journalStream == cat(static_cast<unsigned long long>(st.st_dev), ":",
                                static_cast<unsigned long long>(st.st_ino));
}

std::string journalLine(LogLevel level, std::string_view line) {
    const char* priority = "<6>";
    switch (level) {
        case LogLevel::Error:
            priority = "<3>";
            break;
        case LogLevel::Warning:
            priority = "<4>";
            break;
        case LogLevel::Info:
            priority = "<6>";
            break;
        case LogLevel::Debug:
            priority = "<7>";
            break;
    }
    // The time ends at the first space; the level column is 8 wide after it.
    const auto space = line.find(' ');
    if (space != std::string_view::npos && line.size() >= space + 1 + 8)
        line.remove_prefix(space + 1 + 8);
    return cat(priority, line);
}

void Terminal::write(LogLevel level, std::string_view text) {
    std::lock_guard lock(mutex_);
    const std::string journal = journal_ ? journalLine(level, text) : std::string();
    const std::string_view line = journal_ ? std::string_view(journal) : text;
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
