#include "pixsync/runner.hpp"

#include <algorithm>

#include "pixsync/strings.hpp"

namespace pixsync {

Runner::Runner(Engine& engine, Logger log, Duration pollInterval,
               std::function<void(const CycleReport&)> onCycle)
    : engine_(engine),
      log_(std::move(log)),
      interval_(pollInterval),
      onCycle_(std::move(onCycle)) {}

void Runner::stop() {
    stop_ = true;
    std::lock_guard lock(mutex_);
    cv_.notify_all();
}

void Runner::wake() {
    std::lock_guard lock(mutex_);
    wakeRequested_ = true;
    cv_.notify_all();
}

void Runner::post(std::function<void()> task) {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
    cv_.notify_all();
}

void Runner::run() {
    using std::chrono::steady_clock;
    auto nextPoll = steady_clock::now();
    log_.info(cat("running: polling every ",
                  std::chrono::duration_cast<std::chrono::seconds>(interval_).count(), " s, ",
                  counted(engine_.routes().size(), "route")));
    while (!stop_) {
        std::vector<std::function<void()>> tasks;
        {
            std::lock_guard lock(mutex_);
            tasks.swap(tasks_);
        }
        for (auto& task : tasks) task();
        CycleReport cycle;
        if (steady_clock::now() >= nextPoll) {
            cycle.polls = engine_.pollAll();
            nextPoll = steady_clock::now() + interval_;
        }
        if (stop_) break;
        cycle.deliveries = engine_.deliverDue(UINT64_MAX, &stop_);
        if (onCycle_) onCycle_(cycle);

        // Sleep until the next poll, or earlier when a queued delivery comes due; never spin.
        auto wakeAt = nextPoll;
        if (auto due = engine_.nextDue()) {
            auto untilDue = std::chrono::duration_cast<steady_clock::duration>(
                *due - std::chrono::system_clock::now());
            wakeAt = std::min(
                wakeAt, steady_clock::now() +
                            std::max(untilDue, steady_clock::duration(std::chrono::seconds(1))));
        }
        std::unique_lock lock(mutex_);
        cv_.wait_until(lock, wakeAt,
                       [&] { return stop_.load() || wakeRequested_ || !tasks_.empty(); });
        if (wakeRequested_) {
            wakeRequested_ = false;
            nextPoll = steady_clock::now();
        }
    }
    log_.info("stopping");
}

}  // namespace pixsync
