// pixsync-simulation: runs the real engine and state stores against a scripted world drawn
// from a seed, checking invariants after every step. See README.md.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"
#include "simulation.hpp"

using namespace pixsync;
using namespace pixsync::test;

namespace {

struct Args {
    std::uint64_t firstSeed = 1;
    std::uint64_t seeds = 1;
    int days = 200;
    std::vector<std::string> stores{"sqlite", "json"};
    std::string storeArg = "both";
    std::filesystem::path pluginDir = PIXSYNC_SIM_PLUGIN_DIR;
    bool verbose = false;
    bool keepGoing = false;
};

void usage() {
    std::cout << "usage: pixsync-simulation [--seed S | --first-seed S --seeds N] [--days D]\n"
                 "         [--store sqlite|json|both] [--plugin-dir DIR] [--keep-going]"
                 " [--verbose]\n"
                 "  --seed S        replay one seed\n"
                 "  --seeds N       run N seeds starting at --first-seed (default 1)\n"
                 "  --days D        simulated days of faults per seed (default 200), then a\n"
                 "                  quiet drain until everything is settled\n"
                 "  --store         state store plugin(s) to run each seed with (default both)\n"
                 "  --keep-going    do not stop at a seed's first violation: report the first\n"
                 "                  of each kind\n"
                 "  --verbose       describe each world and log the engine, in simulated time\n";
}

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw usageError(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--seed") {
            a.firstSeed = std::stoull(value());
            a.seeds = 1;
        } else if (arg == "--first-seed") {
            a.firstSeed = std::stoull(value());
        } else if (arg == "--seeds") {
            a.seeds = std::stoull(value());
        } else if (arg == "--days") {
            a.days = std::stoi(value());
        } else if (arg == "--store") {
            a.storeArg = value();
            if (a.storeArg == "both")
                a.stores = {"sqlite", "json"};
            else if (a.storeArg == "sqlite" || a.storeArg == "json")
                a.stores = {a.storeArg};
            else
                throw usageError("--store takes sqlite, json or both");
        } else if (arg == "--plugin-dir") {
            a.pluginDir = value();
        } else if (arg == "--verbose") {
            a.verbose = true;
        } else if (arg == "--keep-going") {
            a.keepGoing = true;
        } else if (arg == "--help" || arg == "-h") {
            usage();
            std::exit(0);
        } else {
            throw usageError("unknown argument " + arg);
        }
    }
    if (a.days < 1) throw usageError("--days must be at least 1");
    return a;
}

/// "day 12 03:45:07" since the world's start.
std::string sinceStart(const World& world, TimePoint t) {
    const long long s = std::chrono::duration_cast<std::chrono::seconds>(t - world.start).count();
    char buf[64];
    std::snprintf(buf, sizeof buf, "day %lld %02lld:%02lld:%02lld", s / 86400, (s / 3600) % 24,
                  (s / 60) % 60, s % 60);
    return buf;
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    try {
        args = parse(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "pixsync-simulation: " << e.what() << "\n";
        usage();
        return 2;
    }
    const auto started = std::chrono::steady_clock::now();
    // Fixed, so that a seed replays the same world whenever it runs.
    const TimePoint start = fromUnixMillis(1'760'000'000'000);
    int failedRuns = 0, runs = 0;
    for (std::uint64_t seed = args.firstSeed; seed < args.firstSeed + args.seeds; ++seed) {
        const World world = makeWorld(seed, args.days, start);
        if (args.verbose) std::cerr << world.describe();
        for (const std::string& store : args.stores) {
            ++runs;
            const auto t0 = std::chrono::steady_clock::now();
            SimulationResult result;
            try {
                result = simulate(world, {store, args.pluginDir, args.verbose, args.keepGoing});
            } catch (const std::exception& e) {
                result.violations.push_back({0, start, cat("the run stopped: ", e.what())});
            }
            const double secs =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            std::cout << "seed " << seed << " " << store << ": " << world.routes.size()
                      << " routes, " << world.photos.size() << " photos, " << result.accepted
                      << " sent, " << result.crashes << " crashes, " << result.steps
                      << " steps, until " << sinceStart(world, result.end) << ", "
                      << cat(static_cast<int>(secs * 1000))
                      << " ms: " << (result.violations.empty() ? "ok" : "FAILED") << "\n";
            if (result.violations.empty()) continue;
            ++failedRuns;
            std::set<int> shown;
            for (const Violation& v : result.violations) {
                if (!shown.insert(v.invariant).second) continue;
                std::cout << "  seed " << seed << ", store " << store << ", "
                          << sinceStart(world, v.at) << " (" << isoUtc(v.at) << "): invariant "
                          << v.invariant << " (" << invariantName(v.invariant)
                          << ") violated: " << v.message << "\n";
            }
            std::cout << "  replay: " << argv[0] << " --seed " << seed << " --days " << args.days
                      << " --store " << store << (args.keepGoing ? " --keep-going" : "")
                      << " --verbose\n";
        }
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << runs - failedRuns << " of " << runs << " runs passed in "
              << cat(static_cast<int>(secs * 10) / 10.0) << " s\n";
    return failedRuns ? 1 : 0;
}
