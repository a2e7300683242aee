// The sync engine: polling and planning. Delivery lives in delivery.cpp.
#include <algorithm>
#include <exception>
#include <map>
#include <set>

#include "engine_impl.hpp"
#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"
#include "plugin_call.hpp"

namespace pixsync {

namespace {
bool deliverable(const Asset& a) {
    return a.kind == AssetKind::Image || a.kind == AssetKind::Video;
}
}  // namespace

Engine::Impl::Impl(StateStore& store, const Clock& clock, Logger log, EngineSettings settings)
    : store_(store),
      clock_(clock),
      log_(std::move(log)),
      settings_(settings),
      jitter_(settings.jitterSeed),
      // A held sink or source is tried again after a growing delay, at most half an hour.
      gate_(store, clock, [this](int failures) {
          return jittered(std::min(backoff(failures), Duration(std::chrono::minutes(30))));
      }) {}

Engine::Engine(StateStore& store, const Clock& clock, Logger log, EngineSettings settings)
    : impl_(std::make_unique<Impl>(store, clock, std::move(log), settings)) {}
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

const std::vector<Route>& Engine::routes() const noexcept { return impl_->routes_; }
const Route* Engine::findRoute(const std::string& id) const { return impl_->findRoute(id); }
PollReport Engine::poll(const Route& route, bool dryRun) { return impl_->poll(route, dryRun); }
DeliverReport Engine::deliverDue(std::uint64_t limit, const std::atomic<bool>* stop,
                                 const ProgressFn& progress, std::optional<TimePoint> until) {
    return impl_->deliverDue(limit, stop, progress, until);
}
std::uint64_t Engine::resend(const Route& route, const ProgressFn& progress) {
    return impl_->resend(route, progress);
}
std::optional<TimePoint> Engine::nextDue() { return impl_->nextDue(); }
std::optional<TimePoint> Engine::pausedUntil(const std::string& sinkName) {
    return impl_->gate_.pausedUntil(sinkName);
}
Duration Engine::backoff(int attempts) const { return impl_->backoff(attempts); }
HealthReport Engine::health() { return impl_->health(); }

void Engine::addRoute(Route route) {
    auto& routes_ = impl_->routes_;
    if (route.id.empty()) throw configError("a route needs an id");
    if (!route.source || !route.sink)
        throw configError(cat("route '", route.id, "' needs a source and a sink"));
    if (route.destinations.empty())
        throw configError(cat("route '", route.id, "' has no destinations"));
    if (impl_->findRoute(route.id))
        throw configError(cat("two routes have the id '", route.id, "'"));
    if (route.label.empty()) route.label = route.id;
    routes_.push_back(std::move(route));
}

const Route* Engine::Impl::findRoute(const std::string& id) const {
    for (const auto& r : routes_)
        if (r.id == id) return &r;
    return nullptr;
}

bool Engine::Impl::wantsFullListing(const std::optional<RouteCursor>& cursor) const {
    if (!cursor || cursor->value.empty()) return true;
    return clock_.now() - cursor->lastFullListing >= settings_.reconcileInterval;
}

std::vector<PollReport> Engine::pollAll(bool dryRun) {
    std::vector<PollReport> reports;
    for (const auto& r : impl_->routes_) reports.push_back(poll(r, dryRun));
    return reports;
}

PollReport Engine::Impl::poll(const Route& route, bool dryRun) {
    PollReport report;
    report.route = route.id;
    const TimePoint started = clock_.now();
    const auto cursor = store_.cursor(route.id);
    const bool full = wantsFullListing(cursor);
    Listing listing;
    try {
        listing = guardPluginCall(cat("route '", route.id, "': the source's list()"), [&] {
            return route.source->list(full ? std::string() : cursor->value);
        });
        report.duration = std::chrono::duration_cast<Duration>(clock_.now() - started);
        if (gate_.endOutage(GateKey::listing(route.id)))
            log_.info(cat(route.id, ": source reachable again"));
        routeSuccess_[route.id] = clock_.now();
    } catch (const Error& e) {
        report.ok = false;
        report.error = validUtf8(e.what());
        report.duration = std::chrono::duration_cast<Duration>(clock_.now() - started);
        // One line per outage, not one per poll.
        if (gate_.startOutage(GateKey::listing(route.id), e.what()) ||
            e.kind() != ErrorKind::Unavailable)
            log_.warning(cat(route.id, ": listing failed: ", e.what()));
        if (!dryRun) {
            store_.recordPass({route.id, started, clock_.now(), full, 0, 0, 0, 0, report.error});
            publishHealth();
        }
        return report;
    }
    report.fullListing = listing.full;
    report.listed = listing.assets.size();
    Plan p = plan(route, listing, cursor, report);
    if (!dryRun) {
        store_.commit(p);
        store_.recordPass({route.id,
                           started,
                           clock_.now(),
                           listing.full,
                           report.listed,
                           report.queued,
                           0,
                           0,
                           {}});
    }
    if (report.queued || log_.enabled(LogLevel::Debug))
        log_.log(report.queued ? LogLevel::Info : LogLevel::Debug,
                 cat(route.id, ": ", listing.full ? "full" : "incremental", " listing of ",
                     report.listed, " favorites, ", report.queued, dryRun ? " would be" : "",
                     " queued, ", report.skipped, " skipped"));
    if (!dryRun && listing.full) retain(route, p.listed);
    if (!dryRun) publishHealth();
    return report;
}

void Engine::Impl::retain(const Route& route, const std::vector<Asset>& listed) {
    const GateKey outage = GateKey::retain(route.id);
    try {
        guardPluginCall(cat("sink '", route.sinkName, "' retain()"), [&] {
            route.sink->retain(RetainRequest{route.id, route.label, listed}, route.destinations);
        });
        if (gate_.endOutage(outage))
            log_.info(cat(route.id, ": sink '", route.sinkName,
                          "' can remove what is no longer listed again"));
    } catch (const Error& e) {
        // One line per outage, not one per full listing; the next full listing is the retry.
        if (gate_.startOutage(outage, e.what()) || e.kind() != ErrorKind::Unavailable)
            log_.warning(cat(route.id, ": sink '", route.sinkName,
                             "' could not remove what is no longer listed: ", e.what(),
                             "; it tries again after the next full listing"));
    }
}

Plan Engine::Impl::plan(const Route& route, const Listing& listing,
                        const std::optional<RouteCursor>& cursor, PollReport& report) {
    const TimePoint now = clock_.now();
    const bool baseline = settings_.startFromNow && !cursor;
    Plan p;
    p.route = route.id;
    p.fullListing = listing.full;
    p.cursor.value = listing.cursor;
    p.cursor.lastFullListing =
        listing.full ? now : (cursor ? cursor->lastFullListing : TimePoint{});

    std::set<std::string> seenIds;
    // Deliveries planned in this pass, by destination and checksum, so that two routes (or
    // two copies of one photo) planned in the same pass still reach a frame once.
    std::map<std::pair<std::string, std::string>, std::string> planned;
    for (const Asset& asset : listing.assets) {
        if (!seenIds.insert(asset.id).second) continue;  // listings may repeat an asset
        p.listed.push_back(asset);
        if (!deliverable(asset)) continue;
        if (baseline) {
            DeliveryKey key{route.id, asset.id, std::string(kAllDestinations)};
            if (!store_.status(key)) {
                p.skipped.push_back(
                    {key, asset.checksum, "favorited before pixsync started (start from now)"});
                ++report.skipped;
            }
            continue;
        }
        for (const Destination& dest : route.destinations) {
            DeliveryKey key{route.id, asset.id, dest.address};
            if (store_.status(key)) continue;
            std::string duplicateOf;
            if (!asset.checksum.empty()) {
                if (auto it = planned.find({dest.address, asset.checksum}); it != planned.end())
                    duplicateOf = it->second;
                else if (auto other = store_.findByChecksum(dest.address, asset.checksum))
                    duplicateOf = cat(other->route, " asset ", other->assetId);
            }
            if (!duplicateOf.empty()) {
                p.skipped.push_back(
                    {key, asset.checksum,
                     "the same photo already goes to this frame via " + duplicateOf});
                ++report.skipped;
                continue;
            }
            if (!asset.checksum.empty())
                planned[{dest.address, asset.checksum}] = cat(route.id, " asset ", asset.id);
            p.queue.push_back(QueuedDelivery{key, asset, 0, now, {}});
            report.planned.push_back({route.id, asset, dest.address});
            ++report.queued;
        }
    }
    if (listing.full) dropUnfavorited(route, seenIds, p, report);
    return p;
}

void Engine::Impl::dropUnfavorited(const Route& route, const std::set<std::string>& listed, Plan& p,
                                   PollReport& report) {
    // Unfavoriting sends nothing: a photo still queued when a full listing no longer has it
    // is not sent (a resend after favoriting it again is how to get it).
    for (const auto& q : store_.dueForRoute(route.id, TimePoint::max(), SIZE_MAX, false)) {
        if (listed.count(q.key.assetId)) continue;
        p.skipped.push_back({q.key, q.asset.checksum, "no longer a favorite before it was sent"});
        ++report.skipped;
    }
}

std::uint64_t Engine::Impl::resend(const Route& route, const ProgressFn& progress) {
    const TimePoint now = clock_.now();
    Listing listing = guardPluginCall(cat("route '", route.id, "': the source's list()"),
                                      [&] { return route.source->list(std::string()); });
    Plan p;
    p.route = route.id;
    p.fullListing = true;
    p.cursor = {listing.cursor, now};
    std::set<std::string> seen;
    for (Asset& asset : listing.assets)
        if (seen.insert(asset.id).second) p.listed.push_back(std::move(asset));
    listing.assets = {};
    store_.commit(p);
    // A resend commits a full listing like a poll does, so the sink hears of it the same way:
    // one rule ("after every committed full listing") is easier to rely on than an exception.
    retain(route, p.listed);

    // Queued in chunks built as they go, so memory does not grow with the number of
    // favorites times frames, and progress can be shown for thousands of them.
    constexpr std::size_t kChunk = 500;
    std::uint64_t total = 0;
    for (const Asset& asset : p.listed)
        if (deliverable(asset)) total += route.destinations.size();
    std::uint64_t queued = 0;
    std::vector<QueuedDelivery> chunk;
    auto flushChunk = [&] {
        store_.requeue(chunk);
        queued += chunk.size();
        chunk.clear();
        if (progress) progress(queued, total);
    };
    for (const Asset& asset : p.listed) {
        if (!deliverable(asset)) continue;
        for (const Destination& dest : route.destinations) {
            chunk.push_back(QueuedDelivery{{route.id, asset.id, dest.address}, asset, 0, now, {}});
            if (chunk.size() >= kChunk) flushChunk();
        }
    }
    if (!chunk.empty()) flushChunk();
    store_.flush();
    log_.info(cat(route.id, ": resend queued ", counted(queued, "delivery", "deliveries"), " (",
                  counted(seen.size(), "favorite"), " x ",
                  counted(route.destinations.size(), "frame"), ")"));
    return queued;
}

Duration Engine::Impl::backoff(int attempts) const {
    if (attempts < 1) attempts = 1;
    auto d = settings_.backoffBase;
    for (int i = 1; i < attempts && d < settings_.backoffCap; ++i) d *= 2;
    return std::min(d, settings_.backoffCap);
}

Duration Engine::Impl::jittered(Duration d) {
    // +-20% so that many deliveries failing together do not retry together.
    std::uniform_real_distribution<double> f(0.8, 1.2);
    return Duration(static_cast<Duration::rep>(static_cast<double>(d.count()) * f(jitter_)));
}

}  // namespace pixsync
