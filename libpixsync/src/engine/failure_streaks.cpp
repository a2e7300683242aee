#include "failure_streaks.hpp"

namespace pixsync {

bool FailureStreaks::failed(const GateKey& key, const std::string& photo) {
    const std::lock_guard lock(mutex_);
    auto& photos = streaks_[key];
    photos.insert(photo);
    return photos.size() >= kDifferentPhotos;
}

bool FailureStreaks::met(const GateKey& key) const {
    const std::lock_guard lock(mutex_);
    auto it = streaks_.find(key);
    return it != streaks_.end() && it->second.size() >= kDifferentPhotos;
}

void FailureStreaks::worked(const GateKey& key) {
    const std::lock_guard lock(mutex_);
    streaks_.erase(key);
}

bool FailureStreaks::inStreak(const GateKey& key, const std::string& photo) const {
    const std::lock_guard lock(mutex_);
    auto it = streaks_.find(key);
    return it != streaks_.end() && it->second.count(photo) > 0;
}

}  // namespace pixsync
