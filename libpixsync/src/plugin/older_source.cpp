#include "older_source.hpp"

namespace pixsync {

namespace {

// The wrapped object was built against an older definition of Source: its dynamic type is
// not one this build knows, which is the point of this class, so UBSan's check of the
// object's type (vptr) does not apply to the calls forwarded to it.
#define PIXSYNC_FORWARD_TO_OLDER __attribute__((no_sanitize("vptr")))

/// Forwards every call of ABI 2.0–2.3 and answers the later ones with their defaults.
class OlderSource final : public Source {
  public:
    explicit OlderSource(std::unique_ptr<Source> source) : source_(std::move(source)) {}
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
    // localMedia(): the default, none; the engine fetches.

  private:
    std::unique_ptr<Source> source_;
};

}  // namespace

std::unique_ptr<Source> adaptOlderSource(std::unique_ptr<Source> source, std::uint32_t abiMinor) {
    if (abiMinor >= 4) return source;
    return std::make_unique<OlderSource>(std::move(source));
}

}  // namespace pixsync
