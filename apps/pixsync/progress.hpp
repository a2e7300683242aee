#pragma once
// Progress of long work: a bar on a terminal (with the total and an estimate of the time
// left), and a line in the log every few seconds.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "pixsync/log.hpp"
#include "terminal.hpp"

namespace pixsync::cli {

class Progress {
  public:
    Progress(Logger log, std::shared_ptr<Terminal> terminal, std::string what);
    /// `total` 0 means unknown.
    void update(std::uint64_t done, std::uint64_t total);
    /// Ends the bar line.
    void finish();

  private:
    /// " ETA 1m05s" once a rate is known, else "".
    std::string eta(std::uint64_t done, std::uint64_t total) const;

    Logger log_;
    std::shared_ptr<Terminal> terminal_;
    std::string what_;
    std::chrono::steady_clock::time_point started_;
    std::chrono::steady_clock::time_point lastLog_;
    std::chrono::steady_clock::time_point lastDraw_;
};

/// "45s", "3m05s", "2h10m".
std::string shortDuration(std::chrono::seconds s);

}  // namespace pixsync::cli
