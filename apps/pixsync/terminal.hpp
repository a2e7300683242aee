#pragma once
// Standard error as the CLI uses it: log lines and, below them, at most one status line (the
// progress bar). The status line is cleared before a log line is written and drawn again
// after it, so the two never share a line.

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "pixsync/log.hpp"

namespace pixsync::cli {

class Terminal final : public LogOutput {
  public:
    Terminal();

    /// True when standard error is a terminal (only then is a status line drawn).
    bool interactive() const noexcept { return interactive_; }
    /// Lines for systemd's journal: a `<N>` syslog priority instead of the time and level
    /// columns (the journal records both itself).
    void useJournalFormat() { journal_ = true; }
    /// Writes one log line above the status line.
    void write(LogLevel level, std::string_view line) override;
    /// Shows `text` as the status line, replacing the previous one (terminals only).
    void showStatus(std::string_view text);
    /// Leaves the status line as it is and moves below it.
    void endStatus();

  private:
    std::mutex mutex_;
    bool interactive_;
    bool journal_ = false;
    std::string status_;
};

/// True when systemd connected standard error to the journal: JOURNAL_STREAM ("dev:inode")
/// names the file standard error is.
bool stderrIsJournal(const std::string& journalStream);

/// `line` as Logger formats it ("<time> <LEVEL>   [tag] message"), for the journal:
/// "<3>[tag] message" for an error, <4> a warning, <6> info, <7> debug.
std::string journalLine(LogLevel level, std::string_view line);

}  // namespace pixsync::cli
