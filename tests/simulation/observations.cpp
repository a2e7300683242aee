#include "observations.hpp"

#include <utility>

namespace pixsync::test {

namespace {
void failed(Encounter& e, TimePoint outageStart) {
    e.outageMet = outageStart;
    e.unresolved = true;
}
void worked(Encounter& e) {
    e.outageMet.reset();
    e.unresolved = false;
    e.streak.clear();
}
/// A passing check ends what an outage left unresolved. It ends a streak of failing photos
/// only once that streak had the engine hold the service (the check after the hold); a check
/// the engine makes to judge one failure leaves the streak counting, as the engine does.
void checked(Encounter& e) {
    e.outageMet.reset();
    e.unresolved = false;
    if (e.streakMet()) e.streak.clear();
}
}  // namespace

void Observations::sinkChecked() {
    std::lock_guard lock(mutex_);
    checked(sink_);
}

void Observations::sourceChecked(std::size_t route) {
    std::lock_guard lock(mutex_);
    checked(download_[route]);
}

void Observations::accepted(const Acceptance& a) {
    std::lock_guard lock(mutex_);
    accepted_.push_back(a);
    ++acceptedCount_[a.key];
    worked(sink_);
}

void Observations::refused(const DeliveryKey& key) {
    std::lock_guard lock(mutex_);
    ++refusals_[key];
    ++photoFailures_[key.assetId];
    sink_.streak.clear();  // it answered about the message
}

void Observations::retryLater(const DeliveryKey& key) {
    std::lock_guard lock(mutex_);
    ++refusals_[key];
    ++photoFailures_[key.assetId];
    sink_.streak.insert(key.route + '\n' + key.assetId);
}

void Observations::downloadRefused(std::size_t route, const std::string& assetId) {
    std::lock_guard lock(mutex_);
    download_[route].streak.insert(assetId);
}

void Observations::photoFailed(const std::string& assetId) {
    std::lock_guard lock(mutex_);
    ++photoFailures_[assetId];
}

int Observations::photoFailures(const std::string& assetId) const {
    std::lock_guard lock(mutex_);
    auto it = photoFailures_.find(assetId);
    return it == photoFailures_.end() ? 0 : it->second;
}

void Observations::listed(ListingSeen listing) {
    std::lock_guard lock(mutex_);
    worked(listing_[listing.route]);
    listings_.push_back(std::move(listing));
}

void Observations::listingFailed(std::size_t route, TimePoint outageStart) {
    std::lock_guard lock(mutex_);
    failed(listing_[route], outageStart);
}

void Observations::listingWorked(std::size_t route) {
    std::lock_guard lock(mutex_);
    worked(listing_[route]);
}

void Observations::downloadFailed(std::size_t route, TimePoint outageStart) {
    std::lock_guard lock(mutex_);
    failed(download_[route], outageStart);
}

void Observations::downloadWorked(std::size_t route) {
    std::lock_guard lock(mutex_);
    worked(download_[route]);
}

void Observations::sinkFailed(TimePoint outageStart) {
    std::lock_guard lock(mutex_);
    failed(sink_, outageStart);
}

void Observations::sinkWorked() {
    std::lock_guard lock(mutex_);
    worked(sink_);
}

void Observations::quotaMet(TimePoint windowStart) {
    std::lock_guard lock(mutex_);
    quota_ = windowStart;
}

void Observations::problem(std::string what) {
    std::lock_guard lock(mutex_);
    problems_.push_back(std::move(what));
}

void Observations::engineRestarted() {
    std::lock_guard lock(mutex_);
    for (auto* list : {&listing_, &download_})
        for (auto& e : *list) e = {};
    sink_ = {};
    quota_.reset();
}

int Observations::acceptedCount(const DeliveryKey& key) const {
    std::lock_guard lock(mutex_);
    auto it = acceptedCount_.find(key);
    return it == acceptedCount_.end() ? 0 : it->second;
}

int Observations::refusals(const DeliveryKey& key) const {
    std::lock_guard lock(mutex_);
    auto it = refusals_.find(key);
    return it == refusals_.end() ? 0 : it->second;
}

std::vector<ListingSeen> Observations::takeListings() {
    std::lock_guard lock(mutex_);
    return std::exchange(listings_, {});
}

std::vector<std::string> Observations::takeProblems() {
    std::lock_guard lock(mutex_);
    return std::exchange(problems_, {});
}

}  // namespace pixsync::test
