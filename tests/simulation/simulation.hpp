#pragma once
// One run of the simulation: one world, one state store plugin.

#include <filesystem>
#include <string>
#include <vector>

#include "invariants.hpp"
#include "world.hpp"

namespace pixsync::test {

struct SimulationOptions {
    std::string store;  ///< "sqlite" or "json"
    std::filesystem::path pluginDir;
    bool verbose = false;
    bool keepGoing = false;  ///< run to the end, collecting the first violation of each kind
};

struct SimulationResult {
    std::vector<Violation> violations;
    std::uint64_t steps = 0, accepted = 0;
    int crashes = 0;
    TimePoint end{};
};

/// Runs the daemon's loop over the world until everything is settled after its faults ended
/// (or a deadline passed), checking the invariants after every step.
SimulationResult simulate(const World& world, const SimulationOptions& options);

}  // namespace pixsync::test
