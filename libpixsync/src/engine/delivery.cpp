// The sync engine: delivering the outbox with retries and backoff, through the delivery gate
// (pauses, rate limits, holds).
#include <algorithm>
#include <exception>
#include <future>
#include <map>
#include <set>
#include <utility>

#include "engine_impl.hpp"
#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"
#include "plugin_call.hpp"

namespace pixsync {

void Engine::Impl::pauseSink(const std::string& sinkName, TimePoint until, const std::string& why) {
    if (!gate_.pauseForQuota(sinkName, until, why)) return;
    auto minutes = std::chrono::duration_cast<std::chrono::minutes>(until - clock_.now()).count();
    log_.warning(cat("sink '", sinkName, "' paused for ", minutes, " min: ", why,
                     " (queued photos stay queued)"));
}

void Engine::Impl::reschedule(const QueuedDelivery& q, const Route* route,
                              const std::string& reason, Duration hint, DeliverReport& report) {
    const TimePoint now = clock_.now();
    DeliveryRecord r{q.key,
                     DeliveryStatus::Queued,
                     q.asset.checksum,
                     route ? route->sinkName : std::string(),
                     q.attempts + 1,
                     now,
                     now,
                     reason,
                     0};
    if (r.attempts >= settings_.maxAttempts) {
        r.status = DeliveryStatus::Failed;
        r.detail = cat("gave up after ", r.attempts, " attempts: ", reason);
        log_.warning(
            cat(q.key.route, ": ", q.asset.fileName, " to ", q.key.destination, ": ", r.detail));
        ++report.failed;
    } else {
        r.nextAttempt = now + std::max(jittered(backoff(r.attempts)), hint);
        ++report.retrying;
    }
    recordOutcome(r);
}

void Engine::Impl::fail(const QueuedDelivery& q, const Route& route, const std::string& reason,
                        DeliverReport& report) {
    const TimePoint now = clock_.now();
    recordOutcome({q.key, DeliveryStatus::Failed, q.asset.checksum, route.sinkName, q.attempts + 1,
                   now, now, reason, 0});
    log_.warning(cat(q.key.route, ": ", q.asset.fileName, " (", q.asset.id, ") to ",
                     q.key.destination, " failed: ", reason));
    ++report.failed;
}

void Engine::Impl::apply(const QueuedDelivery& q, const Route& route, const Outcome& o,
                         DeliverReport& report) {
    const TimePoint now = clock_.now();
    switch (o.kind) {
        case Outcome::Kind::Delivered:
            recordOutcome({q.key, DeliveryStatus::Delivered, q.asset.checksum, route.sinkName,
                           q.attempts + 1, now, now, o.detail, o.bytes});
            gate_.countDelivery(route.sinkName);
            sinkSuccess_[route.sinkName] = now;
            log_.info(cat(q.key.route, ": delivered ", q.asset.fileName, " (", q.asset.id, ") to ",
                          q.key.destination, ", ", humanBytes(o.bytes)));
            ++report.delivered;
            report.bytes += o.bytes;
            break;
        case Outcome::Kind::RetryLater:
            log_.info(cat(q.key.route, ": ", q.asset.fileName, " to ", q.key.destination,
                          " will be retried: ", o.detail));
            reschedule(q, &route, o.detail, o.retryAfter, report);
            break;
        case Outcome::Kind::Failed:
            fail(q, route, o.detail, report);
            break;
        case Outcome::Kind::Paused: {
            // A quota is nobody's fault: the attempt is not counted.
            TimePoint until = now + std::max(o.retryAfter, Duration(std::chrono::minutes(1)));
            recordOutcome({q.key, DeliveryStatus::Queued, q.asset.checksum, route.sinkName,
                           q.attempts, now, until, o.detail, 0});
            pauseSink(route.sinkName, until, o.detail);
            ++report.paused;
            break;
        }
        case Outcome::Kind::Held:
            // The whole sink is refused (login, sender, policy): nothing wrong with this
            // photo. It stays due without using an attempt, so a reload or a restart sends it
            // at once; until then the sink is held back with a growing delay.
            recordOutcome({q.key, DeliveryStatus::Queued, q.asset.checksum, route.sinkName,
                           q.attempts, now, q.nextAttempt, o.detail, 0});
            holdSink(route, o.detail, report);
            ++report.held;
            break;
    }
}

void Engine::Impl::holdSink(const Route& route, const std::string& why, DeliverReport& report) {
    const GateKey key = GateKey::sink(route.sinkName);
    report.sinkUnavailable = true;
    if (gate_.startOutage(key, why))
        log_.warning(cat("sink '", route.sinkName, "' unavailable: ", why,
                         " (queued photos stay queued and go out once it works again)"));
    // Several destinations of one message refused together are one failure, not several.
    if (!gate_.heldUntil(key)) gate_.hold(key);
}

std::vector<Destination> Engine::Impl::destinationsOf(
    const Route& route, const std::vector<const QueuedDelivery*>& items) {
    std::vector<Destination> dests;
    for (const auto* q : items) {
        auto it =
            std::find_if(route.destinations.begin(), route.destinations.end(),
                         [&](const Destination& d) { return d.address == q->key.destination; });
        dests.push_back(it != route.destinations.end() ? *it : Destination{q->key.destination, {}});
    }
    return dests;
}

std::optional<FrameBox> Engine::Impl::frameBoxOf(const Route& route,
                                                 const std::vector<const QueuedDelivery*>& items) {
    try {
        return guardPluginCall(cat("sink '", route.sinkName, "' frameBox()"),
                               [&] { return route.sink->frameBox(destinationsOf(route, items)); });
    } catch (const Error&) {
        return std::nullopt;  // the original always does
    }
}

Engine::Impl::Fetched Engine::Impl::fetchMedia(const Route& route, const Asset& asset,
                                               const std::optional<FrameBox>& box) {
    Fetched f;
    try {
        // A source whose media already are files here lends them: no copy is made.
        if (auto local = guardPluginCall(cat("route '", route.id, "': the source's localMedia()"),
                                         [&] { return route.source->localMedia(asset); }))
            f.media = MediaInHand::inPlace(*local);
        else
            f.media = MediaInHand::owned(
                guardPluginCall(cat("route '", route.id, "': the source's fetchFor()"),
                                [&] { return route.source->fetchFor(asset, box); }));
    } catch (const Error& e) {
        f.error = e;
    }
    // A download that arrived ends the route's row of failures; one that failed for a reason
    // other than the media itself adds to it, in the order the source answered.
    const GateKey key = GateKey::downloads(route.id);
    if (!f.error)
        streaks_.worked(key);
    else if (f.error->kind() != ErrorKind::Media)
        streaks_.failed(key, asset.id);
    return f;
}

void Engine::Impl::prepareAhead(const Route& route, const Asset& asset, const MediaFile& media,
                                const std::vector<Destination>& destinations) {
    try {
        guardPluginCall(cat("sink '", route.sinkName, "' prepare()"), [&] {
            route.sink->prepare(DeliveryRequest{asset, media, route.id, route.label}, destinations);
        });
    } catch (const Error&) {
        // deliver() does the same work again and reports what goes wrong.
    }
}

/// One asset of one route delivered to its due frames: the download's result, the sink's
/// outcomes as they come, and what the deliveries not yet recorded become when it fails.
class Engine::Impl::GroupDelivery {
  public:
    GroupDelivery(Impl& engine, const Route& route, const std::vector<const QueuedDelivery*>& items,
                  const std::function<void()>& quiesce, DeliverReport& report)
        : e_(engine),
          route_(route),
          items_(items),
          quiesce_(quiesce),
          report_(report),
          recorded_(items.size(), false) {}

    void run(Fetched fetched) {
        if (fetched.error) {
            downloadFailed(*fetched.error);
            return;
        }
        downloadWorked();
        // Outcomes the sink reports while it works are recorded at once (see
        // notifyOutcome()); whatever happens afterwards leaves those records alone.
        route_.sink->setOutcomeListener([this](std::size_t i, const Outcome& o) { record(i, o); });
        struct ClearListener {
            Sink* sink;
            ~ClearListener() { sink->setOutcomeListener({}); }
        } clearListener{route_.sink};
        auto outcomes = send(fetched.media->media());
        rethrowStoreError();
        if (outcomes) finish(*outcomes);
    }

  private:
    const Asset& asset() const { return items_.front()->asset; }
    /// How the sink's failure streak knows this photo.
    std::string sinkPhoto() const { return route_.id + '\n' + asset().id; }

    std::vector<Destination> destinations() const { return destinationsOf(route_, items_); }

    void downloadWorked() {
        const GateKey key = GateKey::downloads(route_.id);
        if (e_.gate_.endOutage(key)) e_.log_.info(cat(route_.id, ": downloads work again"));
        e_.gate_.release(key);
    }

    /// Records why the media is not there: the photo's fault (Error(Media), or a failure the
    /// evidence charges to it) or the whole source's.
    void downloadFailed(const Error& error) {
        if (error.kind() == ErrorKind::Media) {
            failAll(error.what());
            return;
        }
        if (e_.scopeOfDownloadFailure(route_, quiesce_) == FailureScope::Photo) {
            chargeAll(cat("cannot download it: ", error.what()));
            return;
        }
        // An unreachable source is nobody's fault with these photos.
        const GateKey key = GateKey::downloads(route_.id);
        report_.sourceUnavailable = true;
        if (e_.gate_.startOutage(key, error.what()))
            e_.log_.warning(cat(route_.id, ": cannot download ", asset().fileName, ": ",
                                error.what(),
                                " (queued photos stay queued and go out once downloads work)"));
        holdAll(key, error.what());
    }

    /// The sink's outcomes, or nothing when the whole group was settled otherwise (the media
    /// cannot be sent, the sink failed).
    std::optional<std::vector<Outcome>> send(const MediaFile& media) {
        try {
            try {
                return deliver(media);
            } catch (const Error& e) {
                if (e.kind() != ErrorKind::Media || storeError_) throw;
                // A preview the source chose that cannot be used gives way to the original;
                // an original that cannot be decoded to a preview, which may still show it.
                std::optional<MediaFile> other =
                    media.isPreview ? fetchOriginal(e.what()) : fetchPreview();
                if (!other) {
                    if (!settled_) failAll(e.what());
                    return std::nullopt;
                }
                e_.log_.info(cat(route_.id, ": ", asset().fileName, ": ",
                                 media.isPreview ? "preview" : "original", " unusable (", e.what(),
                                 "), sending the ", media.isPreview ? "original" : "preview"));
                return deliver(*other);
            }
        } catch (const Error& e) {
            if (storeError_) return std::nullopt;  // the state's failure, not the sink's
            if (e.kind() == ErrorKind::Media)
                failAll(e.what());
            else
                sinkFailed(e.what());
            return std::nullopt;
        }
    }

    std::vector<Outcome> deliver(const MediaFile& media) {
        return guardPluginCall(cat("sink '", route_.sinkName, "' deliver()"), [&] {
            return route_.sink->deliver(DeliveryRequest{asset(), media, route_.id, route_.label},
                                        destinations());
        });
    }

    std::optional<MediaFile> fetchPreview() {
        try {
            quiesce_();  // a prefetch may be using this source
            return guardPluginCall(cat("route '", route_.id, "': the source's fetchPreview()"),
                                   [&] { return route_.source->fetchPreview(asset()); });
        } catch (const Error& previewError) {
            e_.log_.debug(
                cat(route_.id, ": no preview of ", asset().fileName, ": ", previewError.what()));
            return std::nullopt;
        }
    }

    /// The original, after the preview proved unusable; nothing when it cannot be had (the
    /// reason is then recorded: settled_).
    std::optional<MediaFile> fetchOriginal(const std::string& previewProblem) {
        const GateKey key = GateKey::downloads(route_.id);
        try {
            quiesce_();
            MediaFile original =
                guardPluginCall(cat("route '", route_.id, "': the source's fetch()"),
                                [&] { return route_.source->fetch(asset()); });
            e_.streaks_.worked(key);
            return original;
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::Media) e_.streaks_.failed(key, asset().id);
            e_.log_.debug(cat(route_.id, ": the preview of ", asset().fileName, " is unusable (",
                              previewProblem, ") and the original failed too"));
            downloadFailed(e);
            settled_ = true;
            return std::nullopt;
        }
    }

    /// The sink could not deliver this photo and says no more (it threw: a dropped connection,
    /// a timeout, a bug): the photo's failure or the whole sink's, on evidence.
    void sinkFailed(const std::string& why) {
        if (e_.scopeOfSinkFailure(route_, sinkPhoto(), quiesce_) == FailureScope::Photo) {
            chargeAll(why);
            return;
        }
        holdSink(why);
    }

    /// The whole sink cannot deliver: its photos stay queued, using no attempt.
    void holdSink(const std::string& why) {
        e_.holdSink(route_, why, report_);
        holdAll(GateKey::sink(route_.sinkName), why);
    }

    /// An outcome reported while the sink works. A state that cannot record it must not
    /// unwind through the plugin, where it would pass for the sink's failure: it is kept
    /// and thrown once the sink returns. A Held outcome waits for the sink to return: the
    /// deliveries of this photo it leaves are held together.
    void record(std::size_t i, const Outcome& o) {
        if (i >= items_.size() || recorded_[i] || storeError_) return;
        if (o.kind == Outcome::Kind::Held) return;
        try {
            e_.apply(*items_[i], route_, o, report_);
            recorded_[i] = true;
        } catch (...) {
            storeError_ = std::current_exception();
        }
    }

    void rethrowStoreError() {
        if (storeError_) std::rethrow_exception(storeError_);
    }

    void finish(const std::vector<Outcome>& outcomes) {
        if (outcomes.size() != items_.size()) {
            const std::string why =
                cat("sink '", route_.sinkName, "' returned ", outcomes.size(), " outcomes for ",
                    items_.size(), " destinations (a plugin bug)");
            for (std::size_t i = 0; i < items_.size(); ++i)
                if (!recorded_[i]) e_.reschedule(*items_[i], &route_, why, Duration{0}, report_);
            return;
        }
        std::optional<std::string> held;
        for (std::size_t i = 0; i < items_.size(); ++i) {
            if (recorded_[i]) continue;
            if (outcomes[i].kind == Outcome::Kind::Held) {
                held = outcomes[i].detail;
                continue;
            }
            e_.apply(*items_[i], route_, outcomes[i], report_);
            recorded_[i] = true;
        }
        // Held is the server's own word about the account (a refused login, sender or
        // policy): evidence enough against the whole sink.
        if (held) {
            holdSink(*held);
            return;
        }
        const GateKey key = GateKey::sink(route_.sinkName);
        // A server that asks to try later for one message after another (a 4xx each) is
        // failing as a whole: each of those photos used an attempt; the sink is held.
        const bool allRetry = std::all_of(outcomes.begin(), outcomes.end(), [](const auto& o) {
            return o.kind == Outcome::Kind::RetryLater;
        });
        if (allRetry && e_.streaks_.failed(key, sinkPhoto())) {
            e_.holdSink(route_, outcomes.front().detail, report_);
            return;
        }
        if (allRetry) return;
        // The sink answered about these photos: it works.
        e_.streaks_.worked(key);
        if (!e_.gate_.heldUntil(key)) {
            if (e_.gate_.endOutage(key))
                e_.log_.info(cat("sink '", route_.sinkName, "' reachable again"));
            e_.gate_.release(key);
        }
    }

    /// Held deliveries stay due (the hold is in memory), so that a reload or a restart, which
    /// is how the owner applies a fix, sends them at once; no attempt is used.
    void holdAll(const GateKey& key, const std::string& why) {
        if (!e_.gate_.heldUntil(key)) e_.gate_.hold(key);
        for (std::size_t i = 0; i < items_.size(); ++i) {
            if (recorded_[i]) continue;
            const auto* q = items_[i];
            e_.recordOutcome({q->key, DeliveryStatus::Queued, q->asset.checksum, route_.sinkName,
                              q->attempts, e_.clock_.now(), q->nextAttempt, why, 0});
            recorded_[i] = true;
            ++report_.held;
        }
    }

    /// This photo's own failure: each of its deliveries uses an attempt and backs off alone
    /// (failed for good after the last); the route goes on with its other photos.
    void chargeAll(const std::string& why) {
        const QueuedDelivery& first = *items_.front();
        if (first.attempts + 1 < e_.settings_.maxAttempts)
            e_.log_.info(cat(route_.id, ": ", asset().fileName, " (", asset().id, "): ", why,
                             "; attempt ", first.attempts + 1, " of ", e_.settings_.maxAttempts,
                             ", tried again later while the other photos go on"));
        for (std::size_t i = 0; i < items_.size(); ++i) {
            if (recorded_[i]) continue;
            e_.reschedule(*items_[i], &route_, why, Duration{0}, report_);
            recorded_[i] = true;
        }
    }

    void failAll(const std::string& why) {
        for (std::size_t i = 0; i < items_.size(); ++i) {
            if (recorded_[i]) continue;
            e_.fail(*items_[i], route_, why, report_);
            recorded_[i] = true;
        }
    }

    Impl& e_;
    const Route& route_;
    const std::vector<const QueuedDelivery*>& items_;
    const std::function<void()>& quiesce_;
    DeliverReport& report_;
    std::vector<bool> recorded_;
    bool settled_ = false;  ///< the fallback's failure is recorded already
    std::exception_ptr storeError_;
};

void Engine::Impl::deliverGroup(const Route& route, const std::vector<const QueuedDelivery*>& items,
                                Fetched fetched, const std::function<void()>& quiesceSource,
                                DeliverReport& report) {
    GroupDelivery(*this, route, items, quiesceSource, report).run(std::move(fetched));
}

/// The groups after the current one are downloaded while it is sent, each followed by the
/// sink's head start on it (Sink::prepare(): for Pix-Star, fitting the picture to the frames):
/// a pipeline of download, transform and send, EngineSettings::photosAhead photos deep. The
/// work ahead runs in delivery order, one group at a time (each waits for the one before), so
/// a source instance is used by one thread at a time, at most one head start transforms at
/// once, and the photos ahead wait as files on disk. The source is called from the engine's
/// thread only once everything queued has finished.
class Engine::Impl::Prefetcher {
  public:
    Prefetcher(Impl& engine, const std::vector<AssetGroup>& groups, std::size_t depth)
        : e_(engine), groups_(groups), depth_(depth) {}
    ~Prefetcher() { quiesce(); }

    /// Queues the work for the groups after `current` (on routes not blocked) until `depth`
    /// of them are ahead.
    void fill(std::size_t current) {
        next_ = std::max(next_, current + 1);
        while (next_ < groups_.size() && ahead(current) < depth_) {
            const std::size_t j = next_++;
            const Route* r = e_.findRoute(groups_[j].route);
            if (!r || e_.gate_.blocked(*r)) continue;
            const Asset* asset = &groups_[j].items.front()->asset;
            // The sink is asked here, on the engine's thread: it may be delivering meanwhile.
            auto box = frameBoxOf(*r, groups_[j].items);
            auto destinations = destinationsOf(*r, groups_[j].items);
            std::promise<void> finished;
            std::shared_future<void> before = std::exchange(last_, finished.get_future().share());
            Impl* engine = &e_;
            pending_.emplace(
                j, std::async(std::launch::async, [engine, r, asset, box, destinations, before,
                                                   finished = std::move(finished)]() mutable {
                    if (before.valid()) before.wait();
                    Fetched f = engine->fetchMedia(*r, *asset, box);
                    if (f.media) prepareAhead(*r, *asset, f.media->media(), destinations);
                    finished.set_value();
                    return f;
                }));
        }
    }

    /// Group i's download: the one made ahead, or made now.
    Fetched take(std::size_t i, const Route& route) {
        // Work queued for groups passed over (a route blocked since) is dropped with its files.
        while (!pending_.empty() && pending_.begin()->first < i) pending_.erase(pending_.begin());
        if (auto it = pending_.find(i); it != pending_.end()) {
            Fetched f = it->second.get();
            pending_.erase(it);
            f.madeReady = true;
            return f;
        }
        quiesce();  // never two calls into one source at once
        return e_.fetchMedia(route, groups_[i].items.front()->asset,
                             frameBoxOf(route, groups_[i].items));
    }

    /// Waits until the work queued so far has finished.
    void quiesce() {
        if (last_.valid()) last_.wait();
    }

  private:
    std::size_t ahead(std::size_t current) const {
        return static_cast<std::size_t>(std::count_if(
            pending_.begin(), pending_.end(), [&](const auto& p) { return p.first > current; }));
    }

    Impl& e_;
    const std::vector<AssetGroup>& groups_;
    const std::size_t depth_;
    std::size_t next_ = 0;  ///< the first group not yet considered
    std::map<std::size_t, std::future<Fetched>> pending_;
    std::shared_future<void> last_;  ///< ready once everything queued has finished
};

std::vector<Engine::Impl::AssetGroup> Engine::Impl::groupDue(
    const std::vector<QueuedDelivery>& batch, const std::set<DeliveryKey>& attempted) {
    std::vector<AssetGroup> groups;
    std::map<std::pair<std::string, std::string>, std::size_t> index;
    for (const auto& q : batch) {
        if (attempted.count(q.key)) continue;
        auto [it, added] = index.try_emplace({q.key.route, q.key.assetId}, groups.size());
        if (added) groups.push_back({q.key.route, q.key.assetId, {}});
        groups[it->second].items.push_back(&q);
    }
    return groups;
}

bool Engine::Impl::admitted(const Route& route, const AssetGroup& group, DeliverReport& report,
                            const std::function<void()>& quiesce) {
    if (!probedAfterHold(route, quiesce)) {
        report.waiting += group.items.size();
        return false;
    }
    const GateVerdict verdict = gate_.admit(route, limitsOf(route));
    if (verdict.started)
        log_.info(cat(
            "sink '", route.sinkName, "' reached its rate limit (", verdict.reason,
            "); continuing at ",
            std::chrono::duration_cast<std::chrono::seconds>(*verdict.until - clock_.now()).count(),
            " s from now"));
    if (verdict.go()) return true;
    report.waiting += group.items.size();  // waiting for the pause or outage to end
    return false;
}

DeliverReport Engine::Impl::deliverDue(std::uint64_t limit, const std::atomic<bool>* stop,
                                       const ProgressFn& progress, std::optional<TimePoint> until) {
    DeliverReport report;
    std::set<DeliveryKey> attempted;  // this call never tries a delivery twice
    std::uint64_t done = 0;
    auto stopped = [&] {
        return done >= limit || (stop && stop->load()) || (until && clock_.now() >= *until);
    };
    bool progressed = true;
    std::vector<std::vector<QueuedDelivery>> batches;
    // Routes that may not deliver now (their sink paused or held, their downloads held) are
    // not asked for more of their queue in this call: their photos wait, counted in this
    // round's batch only.
    std::set<std::string> resting;
    while (progressed && !stopped()) {
        progressed = false;
        const std::vector<AssetGroup> groups = dueInTurn(batches, attempted, resting);
        Prefetcher prefetcher(*this, groups, settings_.photosAhead);
        const std::function<void()> quiesce = [&] { prefetcher.quiesce(); };
        for (std::size_t i = 0; i < groups.size() && !stopped(); ++i) {
            const AssetGroup& group = groups[i];
            for (const auto* q : group.items) attempted.insert(q->key);
            progressed = true;
            if (resting.count(group.route)) {
                report.waiting += group.items.size();
                continue;
            }
            const Route* route = findRoute(group.route);
            if (!route) continue;
            if (!admitted(*route, group, report, quiesce)) {
                resting.insert(route->id);
                continue;
            }
            tookTurn(*route);
            Fetched fetched = prefetcher.take(i, *route);
            // A photo made ready ahead is only sent now: the next one is made ready meanwhile.
            // One that was not (the first of a batch) is transformed by deliver() itself, and
            // the next one waits for it: two transforms at once would raise the peak memory.
            const bool more = done + group.items.size() < limit;
            const bool madeReady = fetched.madeReady;
            if (more && madeReady) prefetcher.fill(i);
            deliverGroup(*route, group.items, std::move(fetched), quiesce, report);
            if (more && !madeReady) prefetcher.fill(i);
            done += group.items.size();
            if (progress) progress(done, 0);
        }
    }
    publishHealth();
    store_.flush();
    return report;
}

std::optional<TimePoint> Engine::Impl::nextDue() {
    auto next = store_.nextDue();
    if (!next || *next > clock_.now()) return next;
    // Deliveries still due right after deliverDue() are waiting for a pause or an outage to
    // end: nothing can happen before the earliest of those ends.
    auto earliest = gate_.earliestEnd(routes_);
    return earliest ? earliest : next;
}

}  // namespace pixsync
