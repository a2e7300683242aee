#pragma once
// The one sink of the world (think Pix-Star by e-mail): delivers instantly, reports each
// frame's outcome as it goes, and fails the way the world says: outages, quota replies, and
// photos it keeps refusing. Every message it accepts goes into the simulation's truth.

#include "observations.hpp"
#include "pixsync/sink.hpp"
#include "world.hpp"

namespace pixsync::test {

class ScriptedSink final : public Sink {
  public:
    ScriptedSink(const World& world, const Clock& clock, Observations& observations);

    std::vector<Outcome> deliver(const DeliveryRequest& request,
                                 const std::vector<Destination>& destinations) override;
    RateLimits rateLimits() const override { return world_.limits; }
    void check(CheckReport& report) override;

  private:
    /// Whether the engine handed over this photo's media (or its preview).
    void checkMedia(const DeliveryRequest& request, const Photo& photo);

    const World& world_;
    const Clock& clock_;
    Observations& observations_;
};

}  // namespace pixsync::test
