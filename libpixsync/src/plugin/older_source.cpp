#include "older_source.hpp"

namespace pixsync {

namespace {

// The wrapped object was built against an older definition of Source: its dynamic type is
// not one this build knows, which is the point of this class, so UBSan's check of the
// object's type (vptr) does not apply to the calls forwarded to it.
#define PIXSYNC_FORWARD_TO_OLDER __attribute__((no_sanitize("vptr")))

/// Forwards the calls the plugin's minor version has and answers the later ones with their
/// defaults (fetchFor()'s default calls fetch(), which is forwarded).
class OlderSource final : public Source {
  public:
    OlderSource(std::unique_ptr<Source> source, std::uint32_t abiMinor)
        : source_(std::move(source)), abiMinor_(abiMinor) {}
    PIXSYNC_FORWARD_TO_OLDER ~OlderSource() override { delete source_.release(); }

    PIXSYNC_FORWARD_TO_OLDER Listing list(const std::string& cursor) override {
        return source_->list(cursor);
    }
    PIXSYNC_FORWARD_TO_OLDER MediaFile fetch(const Asset& asset) override {
        return source_->fetch(asset);
    }
    PIXSYNC_FORWARD_TO_OLDER std::optional<MediaFile> fetchPreview(const Asset& asset) override {
        return source_->fetchPreview(asset);
    }
    PIXSYNC_FORWARD_TO_OLDER void check(CheckReport& report) override { source_->check(report); }
    PIXSYNC_FORWARD_TO_OLDER std::optional<LocalMedia> localMedia(const Asset& asset) override {
        if (abiMinor_ < 4) return std::nullopt;  // none: the engine fetches
        return source_->localMedia(asset);
    }

  private:
    std::unique_ptr<Source> source_;
    std::uint32_t abiMinor_;
};

}  // namespace

std::unique_ptr<Source> adaptOlderSource(std::unique_ptr<Source> source, std::uint32_t abiMinor) {
    if (abiMinor >= 6) return source;
    return std::make_unique<OlderSource>(std::move(source), abiMinor);
}

}  // namespace pixsync
