#pragma once
// An asset's media while the engine delivers it: either a download the engine owns (removed
// when done) or a source's own file (Source::localMedia()), read in place and never removed.

#include <utility>

#include "pixsync/media_file.hpp"
#include "pixsync/source.hpp"

namespace pixsync {

class MediaInHand {
  public:
    /// A download from Source::fetch(): removed when this goes away.
    static MediaInHand owned(MediaFile media) { return MediaInHand(std::move(media), false); }
    /// The source's own file. Throws Error(Media) when it is not a readable regular file.
    static MediaInHand inPlace(const LocalMedia& local);

    MediaInHand(MediaInHand&&) noexcept = default;
    MediaInHand& operator=(MediaInHand&& other) noexcept {
        giveUpIfBorrowed();
        media_ = std::move(other.media_);
        borrowed_ = other.borrowed_;
        return *this;
    }
    MediaInHand(const MediaInHand&) = delete;
    MediaInHand& operator=(const MediaInHand&) = delete;
    ~MediaInHand() { giveUpIfBorrowed(); }

    const MediaFile& media() const noexcept { return media_; }
    bool inPlace() const noexcept { return borrowed_; }

  private:
    MediaInHand(MediaFile media, bool borrowed) : media_(std::move(media)), borrowed_(borrowed) {}
    // The MediaFile's TempFile would remove the file: a borrowed one is given up first.
    void giveUpIfBorrowed() noexcept {
        if (borrowed_) media_.file.release();
    }

    MediaFile media_;
    bool borrowed_ = false;
};

}  // namespace pixsync
