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
    /// Writes one log line above the status line.
    void write(LogLevel level, std::string_view line) override;
    /// Shows `text` as the status line, replacing the previous one (terminals only).
    void showStatus(std::string_view text);
    /// Leaves the status line as it is and moves below it.
    void endStatus();

  private:
    std::mutex mutex_;
    bool interactive_;
    std::string status_;
};

}  // namespace pixsync::cli
