#pragma once
// One route's source, answering from the world: a full listing of the current favorites, or
// what was favorited since the cursor; downloads that fail the way the world says.

#include <filesystem>

#include "observations.hpp"
#include "pixsync/source.hpp"
#include "world.hpp"

namespace pixsync::test {

class ScriptedSource final : public Source {
  public:
    ScriptedSource(const World& world, std::size_t route, const Clock& clock,
                   Observations& observations, std::filesystem::path mediaDir);

    Listing list(const std::string& cursor) override;
    MediaFile fetch(const Asset& asset) override;
    std::optional<MediaFile> fetchPreview(const Asset& asset) override;
    void check(CheckReport& report) override;

  private:
    const Photo& photoOf(const Asset& asset) const;
    MediaFile media(const std::string& content, bool preview) const;

    const World& world_;
    std::size_t route_;
    const Clock& clock_;
    Observations& observations_;
    std::filesystem::path mediaDir_;
};

/// What the media of a photo holds: the sink checks it got the right one.
std::string mediaContent(const Asset& asset, bool preview);

}  // namespace pixsync::test
