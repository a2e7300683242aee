#include "failure_streaks.hpp"

namespace pixsync {

bool FailureStreaks::failed(const GateKey& key, const std::string& photo) {
    auto& photos = streaks_[key];
    photos.insert(photo);
    return photos.size() >= kDifferentPhotos;
}

void FailureStreaks::worked(const GateKey& key) { streaks_.erase(key); }

bool FailureStreaks::inStreak(const GateKey& key, const std::string& photo) const {
    auto it = streaks_.find(key);
    return it != streaks_.end() && it->second.count(photo) > 0;
}

}  // namespace pixsync
