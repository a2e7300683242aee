#pragma once
/// @file runner.hpp
/// Drives an Engine for as long as the daemon runs: a poll every interval, deliveries as they
/// come due in between, and a prompt stop when asked.

#include <functional>
#include <memory>
#include <vector>

#include "pixsync/host/engine.hpp"
#include "pixsync/log.hpp"

namespace pixsync {

/// What happened in one cycle, for metrics and health.
struct CycleReport {
    std::vector<PollReport> polls;  ///< empty when no poll was due
    DeliverReport deliveries;
};

class Runner {
  public:
    /// `onCycle` (optional) is called after every cycle, from the run() thread.
    Runner(Engine& engine, Logger log, Duration pollInterval,
           std::function<void(const CycleReport&)> onCycle = {});
    ~Runner();
    Runner(const Runner&) = delete;
    Runner& operator=(const Runner&) = delete;

    /// Runs until stop() is called. Errors of the state store propagate (they are fatal);
    /// everything else is handled by the engine.
    void run();
    /// Asks run() to return; in-flight work finishes its current delivery. Thread-safe.
    void stop();
    /// Makes run() poll now instead of waiting for the interval. Thread-safe.
    void wake();
    /// Runs `task` on the run() thread before its next cycle (the engine is not thread-safe,
    /// so work on it from elsewhere goes through here), and wakes run(). Thread-safe.
    void post(std::function<void()> task);
    bool stopping() const;

  private:
    // Behind a pointer, so that programs embedding the runner see one size and layout
    // whatever its internals become.
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace pixsync
