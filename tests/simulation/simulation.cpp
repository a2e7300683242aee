#include "simulation.hpp"

#include <iostream>
#include <memory>
#include <random>

#include "crashing_store.hpp"
#include "pixsync/host/engine.hpp"
#include "pixsync/host/plugin_registry.hpp"
#include "pixsync/options.hpp"
#include "pixsync/util/strings.hpp"
#include "scripted_sink.hpp"
#include "scripted_source.hpp"
#include "test_support.hpp"

namespace pixsync::test {

namespace fs = std::filesystem;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

const std::string kSinkName = "pixstar";

/// Log lines on standard error, stamped with the simulated time.
class SimulatedTimeOutput final : public LogOutput {
  public:
    explicit SimulatedTimeOutput(const Clock& clock) : clock_(clock) {}
    void write(LogLevel, std::string_view line) override {
        std::cerr << "[" << isoUtc(clock_.now()) << "] " << line << "\n";
    }

  private:
    const Clock& clock_;
};

/// The run's folders (state, media, the state as a crash left it), removed at the end.
class RunDir {
  public:
    RunDir() {
        std::random_device rd;
        // In memory when the system has a folder for it: the stores sync every write, and on
        // a disk that alone would take minutes per simulated month.
        std::error_code ec;
        const fs::path base =
            fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
        root_ = base / cat("pixsync-simulation-", rd(), rd());
        fs::create_directories(state());
        fs::create_directories(media());
    }
    ~RunDir() {
        std::error_code ec;
        fs::remove_all(root_, ec);
    }
    RunDir(const RunDir&) = delete;
    RunDir& operator=(const RunDir&) = delete;
    fs::path state() const { return root_ / "state"; }
    fs::path media() const { return root_ / "media"; }
    fs::path snapshot() const { return root_ / "crashed"; }

    /// Keeps the state's files as they are on disk at the crash...
    void takeSnapshot() const {
        fs::remove_all(snapshot());
        fs::copy(state(), snapshot(), fs::copy_options::recursive);
    }
    /// ...and puts them back after the store object is gone: whatever it wrote while being
    /// destroyed, a killed process would not have written.
    void restoreSnapshot() const {
        fs::remove_all(state());
        fs::copy(snapshot(), state(), fs::copy_options::recursive);
    }

  private:
    fs::path root_;
};

/// The longest time maxAttempts attempts take: every backoff at its jitter's maximum.
Duration attemptSpan(const Engine& engine, int maxAttempts) {
    Duration total{0};
    for (int n = 1; n < maxAttempts; ++n) total += engine.backoff(n) * 6 / 5;
    return total;
}

class Harness {
  public:
    Harness(const World& world, const SimulationOptions& options)
        : world_(world),
          options_(options),
          clock_(world.start),
          observations_(world.routes.size()),
          plugin_(registry_.load(options.pluginDir / ("pixsync-" + options.store + ".so"))),
          context_{"state", log_, clock_, dir_.media()},
          sink_(world, clock_, observations_) {
        if (options.verbose) log_.addOutput(std::make_shared<SimulatedTimeOutput>(clock_));
        for (std::size_t r = 0; r < world.routes.size(); ++r)
            sources_.push_back(
                std::make_unique<ScriptedSource>(world, r, clock_, observations_, dir_.media()));
        settings_.photosAhead = world.photosAhead;
        settings_.jitterSeed = world.seed;
        start();
        invariants_.emplace(world, observations_, settings_.maxAttempts,
                            attemptSpan(*engine_, settings_.maxAttempts));
    }

    SimulationResult run();

  private:
    void start() {
        Options options;
        options.set("path", (dir_.state() / stateFile()).string());
        store_ = std::make_unique<CrashingStore>(
            plugin_.descriptor->createStateStore(options, context_, OpenMode::ReadWrite),
            world_.crashes, writes_, observations_);
        engine_ = std::make_unique<Engine>(*store_, clock_, log_.tagged("engine"), settings_);
        for (std::size_t r = 0; r < world_.routes.size(); ++r) {
            Route route;
            route.id = world_.routes[r].id;
            route.source = sources_[r].get();
            route.sink = &sink_;
            route.sinkName = kSinkName;
            for (const auto& f : world_.routes[r].frames) route.destinations.push_back({f, {}});
            engine_->addRoute(std::move(route));
        }
    }

    std::string stateFile() const {
        return options_.store == "json" ? "pixstar_sync_state.json" : "pixsync_state.db";
    }

    /// Runs an engine call; a simulated crash in it kills the "process", which starts again
    /// on the state it left on disk. False after a crash.
    template <class F>
    bool survive(F&& f) {
        try {
            f();
            return true;
        } catch (const SimulatedCrash& crash) {
            ++crashes_;
            if (options_.verbose)
                std::cerr << "[" << isoUtc(clock_.now()) << "] simulation: " << crash.what
                          << "; restarting\n";
            dir_.takeSnapshot();
            engine_.reset();
            store_.reset();
            dir_.restoreSnapshot();
            observations_.dead = false;
            observations_.engineRestarted();
            start();
            nextPoll_ = clock_.now();  // a daemon polls first thing
            return false;
        }
    }

    const World& world_;
    const SimulationOptions& options_;
    RunDir dir_;
    FakeClock clock_;
    Logger log_;
    Observations observations_;
    PluginRegistry registry_;
    const LoadedPlugin& plugin_;
    PluginContext context_;
    ScriptedSink sink_;
    std::vector<std::unique_ptr<ScriptedSource>> sources_;
    EngineSettings settings_;
    std::uint64_t writes_ = 0;
    std::unique_ptr<CrashingStore> store_;
    std::unique_ptr<Engine> engine_;
    std::optional<Invariants> invariants_;
    TimePoint nextPoll_{};
    int crashes_ = 0;
};

SimulationResult Harness::run() {
    SimulationResult result;
    nextPoll_ = world_.start;
    std::optional<TimePoint> deadline;  // set when the faults end
    while (true) {
        const TimePoint now = clock_.now();
        ++result.steps;
        // The daemon's loop (Runner): poll every interval, deliver what is due, then sleep
        // until the next poll or the next delivery due, at least a second.
        bool alive = true;
        if (now >= nextPoll_) {
            nextPoll_ = now + world_.pollInterval;
            alive = survive([&] { engine_->pollAll(); });
            invariants_->afterPoll(store_->real(), observations_.takeListings());
        }
        std::optional<HealthReport> health;
        if (alive) alive = survive([&] { engine_->deliverDue(); });
        if (alive) health = engine_->health();
        invariants_->afterStep(store_->real(), health, now, crashes_);
        for (auto& problem : observations_.takeProblems())
            result.violations.push_back({0, now, std::move(problem)});
        if (!invariants_->violations().empty() && !options_.keepGoing) break;

        if (now >= world_.faultsEnd) {
            if (!deadline) {
                // Time enough to send what is left at the sink's limits, and to fail the rest.
                const auto pending = static_cast<long>(invariants_->pending());
                Duration drain = days(2) + attemptSpan(*engine_, settings_.maxAttempts);
                if (world_.limits.perDay) drain += days(pending / world_.limits.perDay + 1);
                if (world_.limits.perMinute) drain += minutes(pending / world_.limits.perMinute);
                deadline = now + std::min(drain, Duration(days(60)));
            }
            if (invariants_->settled()) break;
            if (now >= *deadline) {
                invariants_->atEnd(store_->real(), now);
                break;
            }
        }
        TimePoint next = nextPoll_;
        std::optional<TimePoint> due;
        if (survive([&] { due = engine_->nextDue(); }) && due)
            next = std::min(next, std::max(*due, now + seconds(1)));
        clock_.set(std::max(next, now + seconds(1)));
    }
    result.violations.insert(result.violations.end(), invariants_->violations().begin(),
                             invariants_->violations().end());
    std::stable_sort(result.violations.begin(), result.violations.end(),
                     [](const Violation& a, const Violation& b) { return a.at < b.at; });
    result.accepted = observations_.acceptances().size();
    result.crashes = crashes_;
    result.end = clock_.now();
    return result;
}

}  // namespace

SimulationResult simulate(const World& world, const SimulationOptions& options) {
    Harness harness(world, options);
    return harness.run();
}

}  // namespace pixsync::test
