#include "scripted_sink.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "pixsync/error.hpp"
#include "scripted_source.hpp"

namespace pixsync::test {

ScriptedSink::ScriptedSink(const World& world, const Clock& clock, Observations& observations)
    : world_(world), clock_(clock), observations_(observations) {}

void ScriptedSink::checkMedia(const DeliveryRequest& request, const Photo& photo) {
    std::ifstream in(request.media.file.path(), std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (content.str() != mediaContent(photo.asset, request.media.isPreview))
        observations_.problem("the sink got '" + content.str() + "' as the media of " +
                              photo.asset.id);
    if (request.route != world_.routes[photo.route].id)
        observations_.problem("the sink got " + photo.asset.id + " for route " + request.route +
                              ", it belongs to " + world_.routes[photo.route].id);
}

std::vector<Outcome> ScriptedSink::deliver(const DeliveryRequest& request,
                                           const std::vector<Destination>& destinations) {
    if (observations_.dead) throw SimulatedCrash{"the process is dead"};
    const TimePoint now = clock_.now();
    const Photo* photo = world_.photo(request.asset.id);
    if (!photo) {
        observations_.problem("the sink was asked to deliver unknown asset " + request.asset.id);
        throw mediaError("unknown asset");
    }
    checkMedia(request, *photo);
    if (const Window* outage = world_.sinkOutage(now)) {
        observations_.sinkFailed(outage->start);
        throw unavailableError("smtp.example.com:587: connection refused (simulated outage)");
    }
    const bool badOriginal =
        photo->fault == PhotoFault::BadOriginal || photo->fault == PhotoFault::BadPreview;
    if ((badOriginal && !request.media.isPreview) || photo->fault == PhotoFault::BadPreview)
        observations_.photoFailed(photo->asset.id);
    if (badOriginal && !request.media.isPreview)
        throw mediaError("cannot decode " + request.asset.fileName + ": not a JPEG file");
    if (photo->fault == PhotoFault::BadPreview)
        throw mediaError("cannot decode the preview of " + request.asset.fileName);

    const auto& frames = world_.routes[photo->route].frames;
    std::vector<Outcome> outcomes;
    for (std::size_t i = 0; i < destinations.size(); ++i) {
        // A process that died while reporting the previous frame sends nothing more.
        if (observations_.dead) throw SimulatedCrash{"the process is dead"};
        const DeliveryKey key{request.route, request.asset.id, destinations[i].address};
        if (std::find(frames.begin(), frames.end(), key.destination) == frames.end())
            observations_.problem("the sink was asked to send " + key.assetId + " to " +
                                  key.destination + ", not a frame of " + request.route);
        Outcome o;
        if (const Window* quota = world_.quota(now)) {
            observations_.quotaMet(quota->start);
            o = Outcome::paused("550 5.4.5 Daily user sending quota exceeded",
                                std::chrono::duration_cast<Duration>(quota->end - now));
        } else if (photo->fault == PhotoFault::SinkRetryLater) {
            observations_.retryLater(key);
            o = Outcome::retryLater("451 4.3.0 Temporary local problem");
        } else if (photo->fault == PhotoFault::SinkRejected) {
            observations_.refused(key);
            o = Outcome::failed("552 5.3.4 Message too big");
        } else {
            observations_.accepted({key, photo->route, now});
            o = Outcome::delivered(request.media.size);
        }
        notifyOutcome(i, o);
        outcomes.push_back(std::move(o));
    }
    return outcomes;
}

void ScriptedSink::check(CheckReport& report) {
    // The engine's probe: connect, TLS and login work unless the sink is in an outage.
    if (observations_.dead || world_.sinkOutage(clock_.now())) {
        report.fail("smtp: connection", "connection refused (simulated outage)", "wait");
        return;
    }
    observations_.sinkChecked();
}

}  // namespace pixsync::test
