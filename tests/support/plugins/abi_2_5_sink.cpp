// Test sink "test-sink-abi-2-5": built the way a sink was before ABI 2.6, whose Sink vtable
// ends at check() (no frameBox). The host must wrap it so that it never calls the slot this
// binary does not have, and must still receive the outcomes it reports early. It appends
// "<route> <asset> <destination>" to `record_file`, reports each destination delivered while it
// works, and then returns "retry" for all: the engine keeps what was reported first.
#include <cstdlib>
#include <fstream>
#include <functional>

#include "pixsync/plugin.hpp"

namespace {

using namespace pixsync;

/// Sink of ABI 2.1–2.5, virtual for virtual and member for member: what such a plugin's
/// object holds (the vtable, then the outcome listener the host sets).
class SinkAbi25 {
  public:
    virtual ~SinkAbi25() = default;
    virtual std::vector<Outcome> deliver(const DeliveryRequest& request,
                                         const std::vector<Destination>& destinations) = 0;
    virtual void retain(const RetainRequest&, const std::vector<Destination>&) {}
    virtual std::string validateDestination(const Destination&) const { return {}; }
    virtual RateLimits rateLimits() const { return {}; }
    virtual void check(CheckReport&) {}
    // What follows an old binary's table is undefined; here it is a trap, so that a host
    // calling the first slot this binary does not have (frameBox) fails the test for sure.
    virtual void firstSlotThisBinaryDoesNotHave() { std::abort(); }

  protected:
    void notifyOutcome(std::size_t index, const Outcome& outcome) const {
        if (listener_) listener_(index, outcome);
    }

  private:
    std::function<void(std::size_t, const Outcome&)> listener_;
};

class OldSink final : public SinkAbi25 {
  public:
    explicit OldSink(std::filesystem::path file) : file_(std::move(file)) {}
    std::vector<Outcome> deliver(const DeliveryRequest& r,
                                 const std::vector<Destination>& dests) override {
        for (std::size_t i = 0; i < dests.size(); ++i) {
            std::ofstream(file_, std::ios::app)
                << r.route << ' ' << r.asset.id << ' ' << dests[i].address << '\n';
            notifyOutcome(i, Outcome::delivered(r.media.size));
        }
        return std::vector<Outcome>(dests.size(), Outcome::retryLater("reported late"));
    }

  private:
    std::filesystem::path file_;
};

static_assert(sizeof(SinkAbi25) == sizeof(Sink), "the replica must be laid out as Sink is");

std::unique_ptr<Sink> make(const Options& options, const PluginContext&) {
    // The old binary's object, seen through the new interface: its vtable is the shorter one.
    SinkAbi25* old = new OldSink(options.path("record_file"));
    return std::unique_ptr<Sink>(reinterpret_cast<Sink*>(old));
}

constexpr OptionDeclaration kOptions[] = {
    {.name = "record_file", .type = OptionType::Path, .required = true, .description = "log"},
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const PluginDescriptor*
pixsync_plugin_descriptor() {
    static const PluginDescriptor d{2,
                                    5,
                                    PluginKind::Sink,
                                    "test-sink-abi-2-5",
                                    "0.0.1",
                                    "a sink built before frame boxes",
                                    nullptr,
                                    make,
                                    nullptr,
                                    optionList(kOptions),
                                    PIXSYNC_CXX_RUNTIME};
    return &d;
}
