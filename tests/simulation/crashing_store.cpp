#include "crashing_store.hpp"

#include <algorithm>

namespace pixsync::test {

CrashingStore::CrashingStore(std::unique_ptr<StateStore> real,
                             const std::vector<std::uint64_t>& crashAt, std::uint64_t& writes,
                             Observations& observations)
    : real_(std::move(real)), crashAt_(crashAt), writes_(writes), observations_(observations) {}

void CrashingStore::alive() const {
    if (observations_.dead) throw SimulatedCrash{"the process is dead"};
}

void CrashingStore::beforeWrite(const char* call) {
    alive();
    ++writes_;
    if (std::binary_search(crashAt_.begin(), crashAt_.end(), writes_)) {
        observations_.dead = true;
        throw SimulatedCrash{std::string("crash before state write ") + std::to_string(writes_) +
                             " (" + call + ")"};
    }
}

std::optional<RouteCursor> CrashingStore::cursor(const std::string& route) {
    alive();
    return real_->cursor(route);
}

std::optional<DeliveryStatus> CrashingStore::status(const DeliveryKey& key) {
    alive();
    return real_->status(key);
}

std::optional<DeliveryKey> CrashingStore::findByChecksum(const std::string& destination,
                                                         const std::string& checksum) {
    alive();
    return real_->findByChecksum(destination, checksum);
}

void CrashingStore::commit(const Plan& plan) {
    beforeWrite("commit");
    real_->commit(plan);
}

std::vector<QueuedDelivery> CrashingStore::due(TimePoint now, std::size_t limit) {
    alive();
    return real_->due(now, limit);
}

std::optional<TimePoint> CrashingStore::nextDue() {
    alive();
    return real_->nextDue();
}

void CrashingStore::record(const DeliveryRecord& record) {
    beforeWrite("record");
    real_->record(record);
}

void CrashingStore::requeue(const std::vector<QueuedDelivery>& deliveries) {
    beforeWrite("requeue");
    real_->requeue(deliveries);
}

std::uint64_t CrashingStore::countDelivered(const std::string& sink, TimePoint since) {
    alive();
    return real_->countDelivered(sink, since);
}

void CrashingStore::recordPass(const PassRecord& pass) {
    beforeWrite("recordPass");
    real_->recordPass(pass);
}

std::vector<RouteSummary> CrashingStore::summarize(const std::vector<std::string>& routes) {
    alive();
    return real_->summarize(routes);
}

std::optional<std::string> CrashingStore::meta(const std::string& key) {
    alive();
    return real_->meta(key);
}

void CrashingStore::setMeta(const std::string& key, const std::string& value) {
    beforeWrite("setMeta");
    real_->setMeta(key, value);
}

void CrashingStore::flush() {
    beforeWrite("flush");
    real_->flush();
}

std::vector<RecentDelivery> CrashingStore::recentDeliveries(std::size_t limit) {
    alive();
    return real_->recentDeliveries(limit);
}

std::vector<QueuedDelivery> CrashingStore::dueForRoute(const std::string& route, TimePoint now,
                                                       std::size_t limit, bool oldestFirst) {
    alive();
    return real_->dueForRoute(route, now, limit, oldestFirst);
}

}  // namespace pixsync::test
