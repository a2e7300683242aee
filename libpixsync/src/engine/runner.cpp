#include "pixsync/host/runner.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>

#include "pixsync/util/strings.hpp"

namespace pixsync {

struct Runner::Impl {
    Impl(Engine& engine, Logger log, Duration interval,
         std::function<void(const CycleReport&)> onCycle)
        : engine_(engine),
          log_(std::move(log)),
          interval_(interval),
          onCycle_(std::move(onCycle)) {}

    Engine& engine_;
    Logger log_;
    Duration interval_;
    std::function<void(const CycleReport&)> onCycle_;
    std::atomic<bool> stop_{false};
    bool wakeRequested_ = false;
    std::vector<std::function<void()>> tasks_;
    std::mutex mutex_;
    std::condition_variable cv_;

    void run();
};

Runner::Runner(Engine& engine, Logger log, Duration pollInterval,
               std::function<void(const CycleReport&)> onCycle)
    : impl_(std::make_unique<Impl>(engine, std::move(log), pollInterval, std::move(onCycle))) {}

Runner::~Runner() = default;

bool Runner::stopping() const { return impl_->stop_.load(); }

void Runner::stop() {
    impl_->stop_ = true;
    std::lock_guard lock(impl_->mutex_);
    impl_->cv_.notify_all();
}

void Runner::wake() {
    std::lock_guard lock(impl_->mutex_);
    impl_->wakeRequested_ = true;
    impl_->cv_.notify_all();
}

void Runner::post(std::function<void()> task) {
    std::lock_guard lock(impl_->mutex_);
    impl_->tasks_.push_back(std::move(task));
    impl_->cv_.notify_all();
}

void Runner::run() { impl_->run(); }

void Runner::Impl::run() {
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
        // Deliveries give way to the next poll, so a new favorite is seen (and, its route
        // taking its turn, sent) however long another route's backlog is.
        const auto pollAt = std::chrono::system_clock::now() +
                            std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                nextPoll - steady_clock::now());
        cycle.deliveries = engine_.deliverDue(UINT64_MAX, &stop_, {}, pollAt);
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
