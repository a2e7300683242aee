#include "older_sink.hpp"

namespace pixsync {

namespace {

// As in older_source.cpp: the wrapped object's dynamic type is one this build does not know.
#define PIXSYNC_FORWARD_TO_OLDER __attribute__((no_sanitize("vptr")))

/// Forwards every call of ABI 2.0–2.5; frameBox() keeps its default (the media as it is).
class OlderSink final : public Sink {
  public:
    explicit OlderSink(std::unique_ptr<Sink> sink) : sink_(std::move(sink)) {}
    PIXSYNC_FORWARD_TO_OLDER ~OlderSink() override { delete sink_.release(); }

    PIXSYNC_FORWARD_TO_OLDER std::vector<Outcome> deliver(
        const DeliveryRequest& request, const std::vector<Destination>& destinations) override {
        // The plugin reports early outcomes to its own listener (the Sink part of its object,
        // laid out as in every 2.x): they are passed on to the engine's, set on this wrapper.
        sink_->setOutcomeListener(
            [this](std::size_t index, const Outcome& outcome) { notifyOutcome(index, outcome); });
        try {
            auto outcomes = sink_->deliver(request, destinations);
            sink_->setOutcomeListener({});
            return outcomes;
        } catch (...) {
            sink_->setOutcomeListener({});
            throw;
        }
    }
    PIXSYNC_FORWARD_TO_OLDER void retain(const RetainRequest& request,
                                         const std::vector<Destination>& destinations) override {
        sink_->retain(request, destinations);
    }
    PIXSYNC_FORWARD_TO_OLDER std::string validateDestination(
        const Destination& destination) const override {
        return sink_->validateDestination(destination);
    }
    PIXSYNC_FORWARD_TO_OLDER RateLimits rateLimits() const override { return sink_->rateLimits(); }
    PIXSYNC_FORWARD_TO_OLDER void check(CheckReport& report) override { sink_->check(report); }

  private:
    std::unique_ptr<Sink> sink_;
};

}  // namespace

std::unique_ptr<Sink> adaptOlderSink(std::unique_ptr<Sink> sink, std::uint32_t abiMinor) {
    if (abiMinor >= 6) return sink;
    return std::make_unique<OlderSink>(std::move(sink));
}

}  // namespace pixsync
