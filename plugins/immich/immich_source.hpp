#pragma once
// The immich source: one Immich user's favorites, for one route.

#include <optional>
#include <string>

#include "immich_api.hpp"
#include "pixsync/plugin.hpp"
#include "pixsync/source.hpp"
#include "settings.hpp"

namespace pixsync::immich {

/// Lists a user's favorites (full or since a cursor) and downloads their originals.
class ImmichSource final : public Source {
  public:
    ImmichSource(Settings settings, const PluginContext& context);

    Listing list(const std::string& cursor) override;
    MediaFile fetch(const Asset& asset) override;
    std::optional<MediaFile> fetchPreview(const Asset& asset) override;
    void check(CheckReport& report) override;

  private:
    /// The user's Immich id, resolved once (GET /users/me, else GET /users with the admin key).
    const std::string& userId();
    std::optional<std::string> userIdFromAdmin(std::string_view userKeyProblem);
    std::string searchBody(int page, int size, const std::string& updatedAfter) const;
    /// Downloads `path` for `asset`. For a preview, nullopt when there is none or the key may
    /// not see it; an original always comes back or throws.
    std::optional<MediaFile> download(const Asset& asset, const std::string& path, bool preview);

    void checkUser(CheckReport& report);
    void checkAdmin(CheckReport& report);
    void checkSearch(CheckReport& report);

    Settings settings_;
    Logger log_;
    std::filesystem::path tempDir_;
    Api api_;
    std::string userId_;
    bool previewRefusalLogged_ = false;
};

}  // namespace pixsync::immich
