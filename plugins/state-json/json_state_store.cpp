#include "json_state_store.hpp"

#include <algorithm>

#include "pixsync/util/strings.hpp"
#include "state-common/state_files.hpp"

namespace pixsync::jsonstate {

JsonStateStore::JsonStateStore(JsonStoreSettings settings, const PluginContext& context,
                               OpenMode mode)
    : settings_(std::move(settings)),
      clock_(context.clock),
      log_(context.log),
      mode_(mode),
      journal_(settings_.path) {
    if (mode_ == OpenMode::ReadWrite) {
        state::requireWritableFolder(settings_.path);
        lock_ = std::make_unique<StateWriterLock>(StateLocation(settings_.path));
        removeLeftoverTemporaryFiles();
    }
    // A reader can meet the writer between reading the file and its journal: a journal of a
    // newer file means the file was rewritten meanwhile, with more in it than was read. It
    // reads both again rather than show an older state than the last reader saw.
    std::size_t replayed = 0;
    for (int attempt = 1;; ++attempt) {
        model_ = StateModel{};
        if (std::optional<std::string> text = state::readStateFile(settings_.path)) {
            model_ = parseState(settings_.path, std::move(*text));
        } else if (attempt == 1) {
            log_.info(
                cat("state file ", settings_.path.string(), " does not exist yet; starting empty"));
        }
        journalOfNewerFile_ = false;
        replayed = replayJournal();
        if (!journalOfNewerFile_ || attempt == 5) break;
    }
    for (const auto& [key, delivery] : model_.deliveries) index_.add(key, delivery);
    if (mode_ == OpenMode::ReadWrite) {
        if (replayed > 0) {
            log_.info(cat("replayed ", replayed, " outcome(s) from the journal ",
                          journal_.path().string(), " that the last run recorded after its last ",
                          "rewrite of ", settings_.path.string()));
            save();  // folds them in and empties the journal
        } else {
            journal_.clear();
        }
    }
}

std::size_t JsonStateStore::replayJournal() {
    // The writer folds the journal into the file once batch_size outcomes are in it; a
    // requeue line carries up to 500 more. 4 KiB a record is far above what one takes.
    const std::uint64_t most = (static_cast<std::uint64_t>(settings_.batchSize) + 500) * 4096;
    std::optional<JournalContents> journal = journal_.read(most);
    if (!journal) return 0;
    if (journal->tornTail && mode_ == OpenMode::ReadWrite)
        log_.warning(cat("the last line of the journal ", journal_.path().string(),
                         " was cut short by a crash and is ignored: the photo being recorded "
                         "then may be sent again"));
    // An older generation: the file was rewritten with these lines in it and the process
    // stopped before emptying the journal.
    if (journal->generation < model_.generation) return 0;
    if (journal->generation > model_.generation) {
        // A reader can see the writer between a rewrite and its next journal line.
        if (mode_ == OpenMode::ReadOnly) {
            journalOfNewerFile_ = true;
            return 0;
        }
        throw stateError(
            cat("journal ", journal_.path().string(), " belongs to version ", journal->generation,
                " of the state file ", settings_.path.string(), ", which is at version ",
                model_.generation,
                ": the state file was replaced (restored from a backup, or rewritten by another "
                "program) since pixsync last ran. Put back the state file the journal belongs to, "
                "or move the journal aside to use the state file as it is (the photos recorded "
                "only in the journal are sent again)"));
    }
    for (auto& [key, delivery] : journal->records) {
        auto [it, inserted] = model_.deliveries.try_emplace(key);
        const std::uint64_t sequence = inserted ? model_.nextSequence++ : it->second.sequence;
        it->second = std::move(delivery);
        it->second.sequence = sequence;
    }
    return journal->records.size();
}

void JsonStateStore::removeLeftoverTemporaryFiles() {
    // A writer killed in the middle of a rewrite leaves its unfinished "<name>.tmp-XXXXXX";
    // with the lock held, no live writer can own one.
    const std::string prefix = settings_.path.filename().string() + ".tmp-";
    std::error_code ec;
    for (const auto& entry :
         std::filesystem::directory_iterator(state::folderOf(settings_.path), ec)) {
        const std::string name = entry.path().filename().string();
        if (name.size() == prefix.size() + 6 && name.compare(0, prefix.size(), prefix) == 0) {
            std::error_code ignored;
            std::filesystem::remove(entry.path(), ignored);
        }
    }
}

JsonStateStore::~JsonStateStore() {
    try {
        if (mode_ == OpenMode::ReadWrite) {
            if (dirty_) save();
            journal_.remove();  // everything is in the file: a clean stop leaves no journal
        }
    } catch (const std::exception& e) {
        log_.error(e.what());
    }
}

void JsonStateStore::requireWritable(const char* operation) const {
    if (mode_ == OpenMode::ReadOnly)
        throw Error(ErrorKind::Internal,
                    cat("state file ", settings_.path.string(), " was opened read-only; ",
                        operation, " needs a writer"));
}

template <class Change>
std::map<DeliveryKey, Delivery>::iterator JsonStateStore::update(const DeliveryKey& key,
                                                                 Change&& change) {
    auto [it, inserted] = model_.deliveries.try_emplace(key);
    if (inserted)
        it->second.sequence = model_.nextSequence++;
    else
        index_.remove(it->first, it->second);
    change(it->second);
    index_.add(it->first, it->second);
    return it;
}

void JsonStateStore::outcomesAdded(const Records& records) {
    dirty_ = true;
    pendingOutcomes_ += records.size();
    if (pendingOutcomes_ >= settings_.batchSize)
        save();  // the rewrite makes them durable; no need to journal them first
    else if (!records.empty())
        journal_.append(model_.generation, records);
}

void JsonStateStore::save() {
    ++model_.generation;
    try {
        bytesWritten_ += saveState(model_, settings_.path);
    } catch (...) {
        --model_.generation;  // the file and its journal are as they were
        throw;
    }
    pendingOutcomes_ = 0;
    dirty_ = false;
    // A crash before this leaves the journal naming the previous generation: skipped.
    journal_.clear();
}

std::optional<RouteCursor> JsonStateStore::cursor(const std::string& route) {
    std::lock_guard guard(mutex_);
    auto it = model_.cursors.find(route);
    if (it == model_.cursors.end()) return std::nullopt;
    return it->second;
}

std::optional<DeliveryStatus> JsonStateStore::status(const DeliveryKey& key) {
    std::lock_guard guard(mutex_);
    auto it = model_.deliveries.find(key);
    if (it == model_.deliveries.end())
        it = model_.deliveries.find(
            DeliveryKey{key.route, key.assetId, std::string(kAllDestinations)});
    if (it == model_.deliveries.end()) return std::nullopt;
    return it->second.status;
}

std::optional<DeliveryKey> JsonStateStore::findByChecksum(const std::string& destination,
                                                          const std::string& checksum) {
    std::lock_guard guard(mutex_);
    const DeliveryKey* key = index_.findByChecksum(destination, checksum, model_.deliveries);
    if (!key) return std::nullopt;
    return *key;
}

void JsonStateStore::commit(const Plan& plan) {
    std::lock_guard guard(mutex_);
    requireWritable("commit");
    const std::int64_t now = toUnixMillis(clock_.now());
    auto& known = model_.favorites[plan.route];
    if (plan.fullListing)
        for (auto& [id, favorite] : known) favorite.present = false;
    for (const Asset& asset : plan.listed) known.insert_or_assign(asset.id, Favorite{asset, true});
    for (const QueuedDelivery& q : plan.queue) {
        update(q.key, [&](Delivery& d) {
            d.status = DeliveryStatus::Queued;
            d.checksum = q.asset.checksum;
            d.attempts = q.attempts;
            d.nextAttempt = toUnixMillis(q.nextAttempt);
            d.detail = q.lastError;
            d.bytes = 0;
            d.updated = now;
            d.asset = std::make_unique<Asset>(q.asset);
        });
    }
    for (const SkippedDelivery& s : plan.skipped) {
        update(s.key, [&](Delivery& d) {
            d.status = DeliveryStatus::Skipped;
            d.checksum = s.checksum;
            d.detail = s.reason;
            d.updated = now;
        });
    }
    model_.cursors[plan.route] = plan.cursor;
    dirty_ = true;
}

QueuedDelivery JsonStateStore::queued(const DeliveryKey& key) const {
    const Delivery& d = model_.deliveries.at(key);
    QueuedDelivery q;
    q.key = key;
    if (d.asset) q.asset = *d.asset;
    q.asset.id = key.assetId;
    if (q.asset.checksum.empty()) q.asset.checksum = d.checksum;
    q.attempts = d.attempts;
    q.nextAttempt = fromUnixMillis(d.nextAttempt);
    q.lastError = d.detail;
    return q;
}

std::vector<QueuedDelivery> JsonStateStore::due(TimePoint now, std::size_t limit) {
    std::lock_guard guard(mutex_);
    std::vector<QueuedDelivery> result;
    const std::int64_t nowMs = toUnixMillis(now);
    for (const auto& [order, key] : index_.queue()) {
        if (order.first > nowMs || result.size() >= limit) break;
        result.push_back(queued(*key));
    }
    return result;
}

std::vector<QueuedDelivery> JsonStateStore::dueForRoute(const std::string& route, TimePoint now,
                                                        std::size_t limit, bool oldestFirst) {
    std::lock_guard guard(mutex_);
    std::vector<QueuedDelivery> result;
    const std::int64_t nowMs = toUnixMillis(now);
    for (const auto& [order, key] : index_.queue()) {
        if (order.first > nowMs) break;
        if (key->route == route) result.push_back(queued(*key));
    }
    // Ties keep the queue's order.
    std::stable_sort(result.begin(), result.end(), [&](const auto& a, const auto& b) {
        return goesOutBefore(a, b, oldestFirst);
    });
    if (result.size() > limit) result.resize(limit);
    return result;
}

std::optional<TimePoint> JsonStateStore::nextDue() {
    std::lock_guard guard(mutex_);
    if (index_.queue().empty()) return std::nullopt;
    return fromUnixMillis(index_.queue().begin()->first.first);
}

void JsonStateStore::record(const DeliveryRecord& r) {
    std::lock_guard guard(mutex_);
    requireWritable("record");
    auto it = update(r.key, [&](Delivery& d) {
        d.status = r.status;
        if (!r.checksum.empty()) d.checksum = r.checksum;
        d.sink = r.sink;
        d.attempts = r.attempts;
        d.nextAttempt = toUnixMillis(r.nextAttempt);
        d.detail = r.detail;
        d.bytes = r.bytes;
        d.updated = toUnixMillis(r.at);
        if (r.status == DeliveryStatus::Delivered) d.asset.reset();
    });
    outcomesAdded({{&it->first, &it->second}});
}

void JsonStateStore::requeue(const std::vector<QueuedDelivery>& deliveries) {
    std::lock_guard guard(mutex_);
    requireWritable("requeue");
    const std::int64_t now = toUnixMillis(clock_.now());
    Records records;
    records.reserve(deliveries.size());
    for (const QueuedDelivery& q : deliveries) {
        auto it = update(q.key, [&](Delivery& d) {
            d.status = DeliveryStatus::Queued;
            if (!q.asset.checksum.empty()) d.checksum = q.asset.checksum;
            d.attempts = 0;
            d.nextAttempt = toUnixMillis(q.nextAttempt);
            d.detail.clear();
            d.bytes = 0;
            d.updated = now;
            d.asset = std::make_unique<Asset>(q.asset);
        });
        records.emplace_back(&it->first, &it->second);
    }
    outcomesAdded(records);
}

std::uint64_t JsonStateStore::countDelivered(const std::string& sink, TimePoint since) {
    std::lock_guard guard(mutex_);
    return index_.countDelivered(sink, toUnixMillis(since));
}

void JsonStateStore::recordPass(const PassRecord& pass) {
    std::lock_guard guard(mutex_);
    requireWritable("recordPass");
    auto& log = model_.passes[pass.route];
    log.push_back(pass);
    while (log.size() > kPassesKept) log.pop_front();
    dirty_ = true;
}

RouteSummary JsonStateStore::summarizeRoute(const std::string& route) const {
    RouteSummary s;
    s.route = route;
    if (auto known = model_.favorites.find(route); known != model_.favorites.end())
        s.favorites = static_cast<std::uint64_t>(
            std::count_if(known->second.begin(), known->second.end(),
                          [](const auto& entry) { return entry.second.present; }));
    std::vector<FailureRecord> failures;
    for (auto it = model_.deliveries.lower_bound(DeliveryKey{route, "", ""});
         it != model_.deliveries.end() && it->first.route == route; ++it) {
        const Delivery& d = it->second;
        switch (d.status) {
            case DeliveryStatus::Delivered:
                ++s.delivered;
                break;
            case DeliveryStatus::Skipped:
                ++s.skipped;
                break;
            case DeliveryStatus::Queued:
                ++s.queued;
                if (!s.nextAttempt || fromUnixMillis(d.nextAttempt) < *s.nextAttempt)
                    s.nextAttempt = fromUnixMillis(d.nextAttempt);
                break;
            case DeliveryStatus::Failed: {
                ++s.failed;
                FailureRecord f{it->first, d.asset ? d.asset->fileName : "", d.detail,
                                fromUnixMillis(d.updated)};
                if (f.fileName.empty()) {
                    auto known = model_.favorites.find(route);
                    if (known != model_.favorites.end()) {
                        auto fav = known->second.find(it->first.assetId);
                        if (fav != known->second.end()) f.fileName = fav->second.asset.fileName;
                    }
                }
                failures.push_back(std::move(f));
                break;
            }
        }
    }
    std::stable_sort(failures.begin(), failures.end(),
                     [](const FailureRecord& a, const FailureRecord& b) { return a.at > b.at; });
    if (failures.size() > 20) failures.resize(20);
    s.recentFailures = std::move(failures);
    if (auto log = model_.passes.find(route); log != model_.passes.end() && !log->second.empty())
        s.lastPass = log->second.back();
    return s;
}

std::vector<RouteSummary> JsonStateStore::summarize(const std::vector<std::string>& routes) {
    std::lock_guard guard(mutex_);
    std::vector<RouteSummary> result;
    result.reserve(routes.size());
    for (const auto& route : routes) result.push_back(summarizeRoute(route));
    return result;
}

std::vector<RecentDelivery> JsonStateStore::recentDeliveries(std::size_t limit) {
    std::lock_guard guard(mutex_);
    using Entry = std::map<DeliveryKey, Delivery>::const_iterator;
    auto newer = [](Entry a, Entry b) { return a->second.updated > b->second.updated; };
    // A heap of the newest `limit` outcomes (its front is the oldest kept): one pass over
    // every record, without sorting them all.
    std::vector<Entry> newest;
    for (auto it = model_.deliveries.cbegin(); it != model_.deliveries.cend() && limit > 0; ++it) {
        const DeliveryStatus status = it->second.status;
        if ((status != DeliveryStatus::Delivered && status != DeliveryStatus::Failed) ||
            it->first.destination == kAllDestinations)
            continue;
        if (newest.size() < limit) {
            newest.push_back(it);
            std::push_heap(newest.begin(), newest.end(), newer);
        } else if (newer(it, newest.front())) {
            std::pop_heap(newest.begin(), newest.end(), newer);
            newest.back() = it;
            std::push_heap(newest.begin(), newest.end(), newer);
        }
    }
    std::sort_heap(newest.begin(), newest.end(), newer);
    std::vector<RecentDelivery> result;
    result.reserve(newest.size());
    for (const Entry& it : newest) {
        const Delivery& d = it->second;
        RecentDelivery r{
            it->first, d.status, "", AssetKind::Other, d.sink, fromUnixMillis(d.updated), d.detail};
        const Asset* asset = d.asset.get();
        if (!asset)  // a Delivered record keeps no asset: the route's favorite still names it
            if (auto known = model_.favorites.find(it->first.route);
                known != model_.favorites.end())
                if (auto fav = known->second.find(it->first.assetId); fav != known->second.end())
                    asset = &fav->second.asset;
        if (asset) {
            r.fileName = asset->fileName;
            r.kind = asset->kind;
        }
        result.push_back(std::move(r));
    }
    return result;
}

std::optional<std::string> JsonStateStore::meta(const std::string& key) {
    std::lock_guard guard(mutex_);
    auto it = model_.meta.find(key);
    if (it == model_.meta.end()) return std::nullopt;
    return it->second;
}

void JsonStateStore::setMeta(const std::string& key, const std::string& value) {
    std::lock_guard guard(mutex_);
    requireWritable("setMeta");
    model_.meta[key] = value;
    // Meta holds pauses and import notes: rare, and worth not losing.
    save();
}

void JsonStateStore::flush() {
    std::lock_guard guard(mutex_);
    if (mode_ == OpenMode::ReadWrite && dirty_) save();
}

std::uint64_t JsonStateStore::bytesWritten() const {
    std::lock_guard guard(mutex_);
    return bytesWritten_;
}

}  // namespace pixsync::jsonstate
