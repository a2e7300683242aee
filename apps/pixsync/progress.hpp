#pragma once
// Progress of long work: a bar on a terminal, and a line in the log every few seconds.

#include <chrono>
#include <cstdint>
#include <string>

#include "pixsync/log.hpp"

namespace pixsync::cli {

class Progress {
public:
    Progress(Logger log, std::string what);
    /// `total` 0 means unknown.
    void update(std::uint64_t done, std::uint64_t total);
    /// Ends the bar line.
    void finish();

private:
    Logger log_;
    std::string what_;
    bool terminal_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point lastLog_;
    std::chrono::steady_clock::time_point lastDraw_;
};

}  // namespace pixsync::cli
