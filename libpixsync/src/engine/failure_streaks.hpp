#pragma once
// Which photos failed in a row under one source's downloads or one sink, since it last worked:
// part of the evidence that decides whether a failure is one photo's or the whole service's.

#include <cstddef>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "delivery_gate.hpp"

namespace pixsync {

/// Failures in a row per gate key, counted by the different photos they hit. Downloads are
/// noted as they end, on whichever thread made them, so that the row is the order in which
/// the source answered; hence the lock.
class FailureStreaks {
  public:
    /// This many different photos failing in a row are evidence against the whole source or
    /// sink: one photo failing again and again is evidence against that photo only.
    static constexpr std::size_t kDifferentPhotos = 3;

    /// Notes that `photo` failed under `key`; true when that makes kDifferentPhotos different
    /// photos in a row.
    bool failed(const GateKey& key, const std::string& photo);
    /// Whether kDifferentPhotos different photos failed in a row under `key`.
    bool met(const GateKey& key) const;
    /// `key` worked (a download arrived, the sink answered about a message, its check passed
    /// after a hold): the streak ends.
    void worked(const GateKey& key);
    /// Whether `photo` is among the failures in a row of `key`: tried again after the others.
    bool inStreak(const GateKey& key, const std::string& photo) const;

  private:
    mutable std::mutex mutex_;
    std::map<GateKey, std::set<std::string>> streaks_;
};

}  // namespace pixsync
