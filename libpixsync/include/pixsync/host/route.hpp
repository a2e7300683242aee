#pragma once
/// @file route.hpp
/// A route: one source instance feeding one sink's destinations.

#include <string>
#include <vector>

#include "pixsync/sink.hpp"
#include "pixsync/source.hpp"

namespace pixsync {

/// One route. The engine does not own the source and sink; whoever builds the route keeps
/// them alive for the engine's lifetime.
struct Route {
    /// Stable id the state is keyed by. For configurations of the original service it is the
    /// immichUser e-mail, so the original's state file maps onto it. Never change it for a
    /// route that has state: the route would start from scratch.
    std::string id;
    /// Display name (subjects, logs); defaults to the id.
    std::string label;
    Source* source = nullptr;
    Sink* sink = nullptr;
    std::string sinkName;  ///< the sink instance's configured name (rate-limit accounting)
    std::vector<Destination> destinations;
};

}  // namespace pixsync
