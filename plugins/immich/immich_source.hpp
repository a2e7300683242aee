#pragma once
// The immich source: what one route follows in one Immich user's library (their favorites
// by default, or an album, a tag, a person).

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "immich_api.hpp"
#include "lookup.hpp"
#include "pixsync/plugin.hpp"
#include "pixsync/source.hpp"
#include "settings.hpp"

namespace pixsync::immich {

/// Lists the assets a route follows (full, or for favorites since a cursor) and downloads
/// their originals.
class ImmichSource final : public Source {
  public:
    ImmichSource(Settings settings, const PluginContext& context);

    Listing list(const std::string& cursor) override;
    MediaFile fetch(const Asset& asset) override;
    std::optional<MediaFile> fetchPreview(const Asset& asset) override;
    /// Immich's preview when the settings allow it and (in auto) it fills `box`; otherwise
    /// the original, also when the preview could not be downloaded (only the original's
    /// failure is thrown).
    MediaFile fetchFor(const Asset& asset, const std::optional<FrameBox>& box) override;
    void check(CheckReport& report) override;

  private:
    struct ListingPass;  // what one listing has gathered so far

    /// The user's Immich id, resolved once (GET /users/me, else GET /users with the admin key).
    const std::string& userId();
    std::optional<std::string> userIdFromAdmin(std::string_view userKeyProblem);
    /// The owners of a sample of what the key lists (any asset, not only favorites).
    std::set<std::string> sampleOwners();
    /// After a full listing that found only others' photos with a key whose owner the admin
    /// key had to tell: throws Error(Unavailable), as `check` reports it, when the key lists
    /// only other users' photos (another user's key: nothing would ever be sent).
    void requireOwnLibrary(const std::string& owner);
    /// Logs a warning once when the server's version is outside the tested range.
    void warnIfUntestedVersion();
    /// Follows one search (`rating` 0: any rating) through all its pages into `pass`.
    void searchPages(int rating, ListingPass& pass);
    /// Downloads `path` for `asset`. For a preview, nullopt when there is none or the key may
    /// not see it; an original always comes back or throws. `retry`: transient faults are
    /// tried again (Api::retrying()); otherwise the first one throws.
    std::optional<MediaFile> download(const Asset& asset, const std::string& path, bool preview,
                                      bool retry = true);

    /// What `check` learned about the key and the route's user.
    struct Whose {
        /// Own: the key says it is the user's. Unknown: it may not say (no user.read).
        /// Unusable: rejected, another user's, or the question failed (already reported).
        enum class Key { Own, Unknown, Unusable } key = Key::Unusable;
        std::string userId;                         ///< the user's Immich id, when known
        std::map<std::string, std::string> emails;  ///< id -> e-mail, from the admin key
    };
    Whose checkUser(CheckReport& report);
    /// The user's existence, by the admin key; fills `whose.userId` and `whose.emails`.
    void checkAdmin(CheckReport& report, Whose& whose);
    /// For a key that cannot say whose it is: whether what it lists is the user's. False
    /// (and a failed line) when it lists only other users' photos.
    bool checkOwner(CheckReport& report, const Whose& whose);
    /// "jane@example.com, user <id>": owners by e-mail where the admin key told them.
    static std::string ownersText(const std::set<std::string>& owners, const Whose& whose);
    /// `ids`: the route's, when every name it uses was found; else favorites are searched.
    void checkSearch(CheckReport& report, const std::optional<SelectionIds>& ids,
                     const Whose& whose);
    /// Whether the key may fetch Immich's previews (asset.view), when the route would use them.
    void checkPreviews(CheckReport& report, const Asset& sample);
    /// One line per album, tag or person the route names; their ids when all were found.
    std::optional<SelectionIds> checkSelection(CheckReport& report);
    /// The line for one reference; `find` gives its id and what to say about it. True, with
    /// `id` set, when the route can use the reference.
    using Finding = std::pair<std::string, std::string>;
    bool checkReference(CheckReport& report, std::string_view kind, const Reference& ref,
                        std::string& id, const std::function<Finding()>& find);

    Settings settings_;
    Logger log_;
    std::filesystem::path tempDir_;
    Api api_;
    Lookup lookup_;
    std::string userId_;
    /// The admin key told the user's id (the user's key may not say whose it is), with the
    /// e-mail of every user it listed.
    bool ownerFromAdmin_ = false;
    std::map<std::string, std::string> emailsById_;
    bool previewsRefused_ = false;
    std::string noPreviewFor_;  ///< the last asset fetchFor() found without a preview       ///<
                                ///< the key lacks asset.view: previews are not asked for
    bool previewFailureLogged_ = false;  ///< a failed preview download was logged at info
    bool versionChecked_ = false;
};

}  // namespace pixsync::immich
