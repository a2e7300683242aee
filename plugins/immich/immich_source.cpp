#include "immich_source.hpp"

#include <climits>
#include <unordered_set>

#include "cursor.hpp"
#include "immich_json.hpp"
#include "pixsync/media_transform.hpp"
#include "pixsync/util/strings.hpp"
#include "tested_versions.hpp"

namespace pixsync::immich {

namespace {

// Keeps a listing's log readable when Immich sends many malformed items.
constexpr std::size_t kMaxProblemLines = 5;
// A listing that claims more pages than this is treated as a server fault, not followed.
constexpr int kMaxPages = 100000;
// Assets asked for to see whose library a key opens (as `check` does).
constexpr int kSampleSize = 1000;

// Immich writes updatedAt in milliseconds (it stores microseconds): an asset whose time falls
// in the cursor's millisecond has not changed since it was seen.
bool sameMillisecond(const std::string& updatedAt, std::int64_t cursorMicros) {
    auto micros = parseTimestampMicros(updatedAt);
    return micros && *micros >= cursorMicros && *micros < cursorMicros + 1000;
}

bool sameEmail(std::string_view a, std::string_view b) { return toLower(a) == toLower(b); }

std::string megabytes(std::uint64_t bytes) {
    return cat((bytes + 1024 * 1024 - 1) / (1024 * 1024), " MB");
}

}  // namespace

ImmichSource::ImmichSource(Settings settings, const PluginContext& context)
    : settings_(std::move(settings)),
      log_(context.log),
      tempDir_(context.tempDir),
      api_(settings_, context.log),
      lookup_(api_, context.log) {
    if (settings_.insecureTls)
        log_.warning(cat("TLS certificate checks for ", settings_.baseUrl, " are off (",
                         settings_.key("immich_insecure_tls"),
                         "): anyone on the network path can read ", settings_.user,
                         "'s photos and API key; set ", settings_.key("immich_ca_file"),
                         " instead"));
}

std::optional<std::string> ImmichSource::userIdFromAdmin(std::string_view userKeyProblem) {
    if (settings_.adminKey.empty()) return std::nullopt;
    auto users = api_.retrying([&] {
        HttpResponse r = api_.call(KeyRole::Admin, "GET", "/users");
        if (!r.ok()) api_.fail(r, "list the Immich users", KeyRole::Admin);
        api_.requireJson(r, "/users");
        try {
            return parseUsers(r.body);
        } catch (const Error& e) {
            throw TransientFault(e.what());
        }
    });
    for (const auto& u : users) emailsById_[u.id] = u.email;
    for (const auto& u : users)
        if (sameEmail(u.email, settings_.user)) return u.id;
    throw unavailableError(cat("no Immich user has the e-mail address ", settings_.user, " (",
                               settings_.userWhere, "); ", userKeyProblem,
                               "; check the address against Immich's user list"));
}

const std::string& ImmichSource::userId() {
    if (!userId_.empty()) return userId_;
    HttpResponse r = api_.retrying([&] {
        HttpResponse me = api_.call(KeyRole::User, "GET", "/users/me");
        if (me.status >= 500) api_.fail(me, "look up the key's user", KeyRole::User);
        return me;
    });
    if (r.ok()) {
        api_.requireJson(r, "/users/me");
        User me = parseUser(r.body);
        if (!sameEmail(me.email, settings_.user))
            throw unavailableError(cat(keyName(settings_, KeyRole::User),
                                       " belongs to the Immich user ", me.email, ", not to ",
                                       settings_.user,
                                       ": using it would send one person's favorites to another's "
                                       "frame; put ",
                                       settings_.user, "'s own key there"));
        userId_ = me.id;
        return userId_;
    }
    if (r.status == 403) {
        std::string problem = cat(keyName(settings_, KeyRole::User), " may not read users (",
                                  Api::immichMessage(r), ")");
        if (auto id = userIdFromAdmin(problem)) {
            userId_ = *id;
            ownerFromAdmin_ = true;
            return userId_;
        }
        throw unavailableError(cat("cannot find out which Immich user ", settings_.user, " is: ",
                                   problem, "; grant user.read to that key, or set the admin key ",
                                   settings_.key("immich_api_key"), " with user.read"));
    }
    api_.fail(r, cat("look up the user of the key for ", settings_.user), KeyRole::User);
}

void ImmichSource::warnIfUntestedVersion() {
    // Asked after the first listing that worked, so an outage costs no extra wait.
    versionChecked_ = true;
    try {
        HttpResponse r = api_.call(KeyRole::User, "GET", "/server/version");
        if (!r.ok()) return;
        ServerVersion v = parseServerVersion(r.body);
        if (!isTestedVersion(v))
            log_.warning(cat(settings_.baseUrl, ": ", untestedVersionWarning(v)));
    } catch (const Error& e) {
        log_.debug(cat("could not ask Immich for its version: ", e.what()));
    }
}

struct ImmichSource::ListingPass {
    ListingPass(const std::string& ownerId, const SelectionIds& selectionIds,
                const std::optional<Cursor>& cursor)
        : owner(ownerId),
          ids(selectionIds),
          since(cursor),
          newest(cursor.value_or(Cursor{"", INT64_MIN, {}, {}, {}})) {
        out.full = !cursor;
    }

    const std::string& owner;
    const SelectionIds& ids;
    const std::optional<Cursor>& since;
    Cursor newest;  ///< the newest change seen so far, from the cursor's on
    Listing out;
    std::unordered_set<std::string> seen;
    std::size_t partners = 0, trashed = 0, problems = 0, pages = 0, unchanged = 0;
};

Listing ImmichSource::list(const std::string& cursorText) {
    const Selection& selection = settings_.selection;
    std::optional<Cursor> since;
    // Joining an album, a tag, a face or changing a rating leaves updatedAt alone: routes
    // that follow those are listed in full every time.
    if (!cursorText.empty() && !selection.listsInFull()) {
        since = parseCursor(cursorText);
        if (!since)
            log_.warning(cat("the stored cursor \"", cursorText.substr(0, 64), "\" for ",
                             settings_.user, " is not one this source wrote; listing all ",
                             selection.describe(), " instead"));
    }
    const std::string tag = keyTag(settings_.apiKey);
    if (!since) {
        userId_.clear();  // a full listing asks again whose library the key opens
        ownerFromAdmin_ = false;
    } else if (userId_.empty() && !since->owner.empty() && since->keyTag == tag) {
        // The same key named this owner before: an idle poll stays one request. A key that
        // now opens someone else's library cannot leak it meanwhile: favorites of any owner
        // but this one are dropped below, and the next full listing asks again.
        userId_ = since->owner;
    }
    const std::string& owner = userId();
    const SelectionIds& ids = lookup_.ids(selection);
    ListingPass pass(owner, ids, since);
    const std::vector<int> ratings = selection.ratingsToSearch();
    for (int rating : ratings) searchPages(rating, pass);
    if (pass.out.full && ownerFromAdmin_ && pass.out.assets.empty() && pass.partners > 0)
        requireOwnLibrary(owner);
    if (pass.problems > kMaxProblemLines)
        log_.warning(cat("skipped ", pass.problems, " malformed assets in all (first ",
                         kMaxProblemLines, " shown)"));
    Listing& out = pass.out;
    if (selection.listsInFull())
        out.cursor.clear();  // nothing to resume from; were the route to change, it starts full
    else if (pass.newest.updatedAt.empty())  // nothing seen at all (no favorites yet)
        out.cursor = cursorText;             // keep what the caller had
    else {
        pass.newest.owner = owner;
        pass.newest.keyTag = tag;
        out.cursor = formatCursor(pass.newest);
    }
    if (!versionChecked_ && out.full) warnIfUntestedVersion();
    log_.debug(cat(out.full ? "full" : "incremental", " listing for ", settings_.user, ": ",
                   out.assets.size(), " ", selection.describe(), " in ", pass.pages, " page(s)",
                   ratings.size() > 1 ? cat(" of ", ratings.size(), " searches") : "", "; skipped ",
                   pass.partners, " of partners, ", pass.trashed, " in the trash, ", pass.unchanged,
                   " unchanged"));
    return std::move(out);
}

std::set<std::string> ImmichSource::sampleOwners() {
    Selection anything;
    anything.favorites = false;
    HttpResponse r = api_.retrying([&] {
        HttpResponse got = api_.call(KeyRole::User, "POST", "/search/metadata",
                                     searchBody(anything, SelectionIds{}, 0, 1, kSampleSize));
        if (!got.ok()) api_.fail(got, "list a sample of the key's photos", KeyRole::User);
        return got;
    });
    api_.requireJson(r, "/search/metadata");
    std::set<std::string> owners;
    for (const auto& a : parseSearchPage(r.body).assets) owners.insert(a.owner);
    return owners;
}

void ImmichSource::requireOwnLibrary(const std::string& owner) {
    const std::set<std::string> owners = sampleOwners();
    if (owners.empty() || owners.contains(owner)) return;
    std::vector<std::string> names;
    for (const auto& o : owners) {
        auto it = emailsById_.find(o);
        names.push_back(it == emailsById_.end() ? cat("user ", o) : it->second);
    }
    // The words of `check`: the key is another user's, and this route would stay silent.
    throw unavailableError(
        cat(keyName(settings_, KeyRole::User), " lists photos of ", join(names, ", "),
            " and none of ", settings_.user,
            ": it belongs to another Immich user, and nothing would ever be sent for "
            "this route; put the key created under ",
            settings_.user,
            "'s Immich account there (if "
            "it is theirs, they have no photos yet)"));
}

void ImmichSource::searchPages(int rating, ListingPass& pass) {
    const Selection& selection = settings_.selection;
    const std::string action = cat("list the ", selection.describe());
    ParseLimits limits;
    limits.maxItems = static_cast<std::size_t>(settings_.pageSize);
    for (int page = 1;;) {
        std::string body = searchBody(selection, pass.ids, rating, page, settings_.pageSize,
                                      pass.since ? pass.since->updatedAt : std::string());
        SearchPage p = api_.retrying([&] {
            HttpResponse r = api_.call(KeyRole::User, "POST", "/search/metadata", body);
            if (!r.ok()) api_.fail(r, action, KeyRole::User);
            api_.requireJson(r, "/search/metadata");
            try {
                return parseSearchPage(r.body, limits);
            } catch (const Error& e) {
                throw TransientFault(e.what());  // a garbled page: worth another try
            }
        });
        ++pass.pages;
        Cursor& newest = pass.newest;
        for (auto& stamp : p.stamps) {
            if (stamp.micros > newest.micros)
                newest = Cursor{stamp.updatedAt, stamp.micros, {}, {}, {}};
            if (stamp.micros == newest.micros && !stamp.id.empty()) newest.ids.insert(stamp.id);
        }
        for (auto& a : p.assets) {
            // Favorites are per owner: partners' favorites come back in this user's search,
            // but they are not this route's.
            if (selection.favorites && a.owner != pass.owner) {
                ++pass.partners;
                continue;
            }
            // updatedAfter is inclusive: what the cursor already covered comes back unchanged.
            const auto& since = pass.since;
            if (since && since->ids.contains(toLower(a.id)) &&
                sameMillisecond(a.updatedAt, since->micros)) {
                ++pass.unchanged;
                continue;
            }
            // Searches for several ratings can meet the same asset (its rating changed).
            if (pass.seen.insert(a.id).second) pass.out.assets.push_back(std::move(a));
        }
        pass.trashed += p.trashed;
        for (const auto& line : p.problems)
            if (pass.problems++ < kMaxProblemLines)
                log_.warning(cat("skipped an asset Immich sent: ", line));
        if (!p.nextPage) break;
        if (*p.nextPage <= page || *p.nextPage > kMaxPages)
            throw unavailableError(cat("Immich's search paging for ", settings_.user,
                                       " went from page ", page, " to ", *p.nextPage,
                                       "; not following it"));
        page = *p.nextPage;
    }
}

std::optional<MediaFile> ImmichSource::download(const Asset& asset, const std::string& path,
                                                bool preview, bool retry) {
    std::string name =
        cat(preview ? "the preview of " : "", "\"", asset.fileName, "\" (", asset.id, ")");
    TempFile file = TempFile::create(tempDir_);
    // A preview's size is not listed; the original's is.
    const std::uint64_t expected = preview ? 0 : asset.sizeBytes;
    auto attempt = [&] {
        HttpDownload got = api_.download(path, file, 0, {}, expected);
        if (got.status >= 500)
            throw TransientFault(cat("Immich failed to send ", name, " (HTTP ", got.status, ": ",
                                     Api::immichMessage(got), ")"));
        return got;
    };
    HttpDownload d;
    try {
        d = retry ? api_.retrying(attempt) : attempt();
    } catch (const HttpError& e) {
        if (e.failure() != HttpFailure::TooSlow) throw;
        // Not the photo's fault: it is tried again later, like any outage of Immich.
        throw unavailableError(cat(name, ": ", e.what(),
                                   "; if Immich is reachable only this slowly, lower ",
                                   settings_.minDownloadSpeedWhere));
    }
    if (d.overLimit) {
        std::string size = d.announcedBytes
                               ? cat("is ", megabytes(*d.announcedBytes))
                               : cat("is over ", megabytes(settings_.maxDownloadBytes));
        throw mediaError(cat(name, " ", size, ", over the limit of ",
                             megabytes(settings_.maxDownloadBytes), " (",
                             settings_.maxDownloadWhere, ")"));
    }
    std::string said = Api::immichMessage(d);
    // Immich answers 400 "Not found or no asset.download access" for an id it does not know.
    if (d.status == 404 || (d.status == 400 && said.find("Not found") != std::string::npos)) {
        if (preview) return std::nullopt;
        throw mediaError(cat(name, " is gone from Immich (HTTP ", d.status, ": ", said, ")"));
    }
    if (preview && d.status == 403) {
        // Previews need asset.view, which users were not told to grant: a fallback only.
        if (!previewsRefused_)
            log_.info(cat("previews are not available for ", settings_.user, " (", said,
                          "); originals are sent, and media the frame cannot show is skipped"));
        previewsRefused_ = true;
        return std::nullopt;
    }
    if (d.status < 200 || d.status >= 300) {
        HttpResponse r;
        r.status = d.status;
        r.body = d.errorBody;
        api_.fail(r, cat("download ", name), KeyRole::User);
    }
    std::string mime = asset.mimeType;
    const std::string& type = d.contentType;
    if (type.starts_with("text/") || type.starts_with("application/json"))
        throw unavailableError(cat("Immich sent ", type, " instead of the media of ", name,
                                   "; is a proxy in the way?"));
    if (!type.empty() && type != "application/octet-stream") {
        if (mime.empty() || preview) {
            mime = type;
        } else if (type != toLower(mime)) {
            log_.warning(
                cat(name, " is listed as ", mime, " but Immich sent ", type, "; using ", type));
            mime = type;
        }
    }
    MediaFile media;
    media.file = std::move(file);
    media.mimeType = mime;
    media.size = d.bytes;
    media.isPreview = preview;
    return media;
}

MediaFile ImmichSource::fetch(const Asset& asset) {
    if (!isUuid(asset.id))
        throw mediaError(
            cat("\"", asset.id.substr(0, 64), "\" is not an Immich asset id; not downloading it"));
    auto media = download(asset, cat("/assets/", asset.id, "/original"), false);
    return std::move(*media);  // only previews come back empty
}

std::optional<MediaFile> ImmichSource::fetchPreview(const Asset& asset) {
    // Not asked again for what this attempt already learnt: the key may not see previews, or
    // this photo has none (fetchFor() asked a moment ago).
    if (!settings_.previewFallback || !isUuid(asset.id) || previewsRefused_ ||
        noPreviewFor_ == asset.id)
        return std::nullopt;
    return download(asset, cat("/assets/", asset.id, "/thumbnail?size=preview"), true);
}

MediaFile ImmichSource::fetchFor(const Asset& asset, const std::optional<FrameBox>& box) {
    using Mode = Settings::ImageSource;
    const Mode mode = settings_.imageSource;
    // Immich renders previews of still images only; a video is always its original.
    if (mode == Mode::Original || (mode == Mode::Auto && !box) || asset.kind != AssetKind::Image ||
        previewsRefused_ || !isUuid(asset.id))
        return fetch(asset);
    // None yet (Immich makes them in the background after an upload) or not for this key.
    std::optional<MediaFile> preview;
    try {
        // One try: the original is the fallback, and it is as good a next try as any.
        preview =
            download(asset, cat("/assets/", asset.id, "/thumbnail?size=preview"), true, false);
    } catch (const Error& e) {
        // The preview only saves work. Whatever kept it from arriving (cut short, a proxy's
        // page, a 5xx, too slow), the original decides whether the photo can be sent, so
        // only the original's failure is charged to the photo (or to the route).
        const std::string why =
            cat("the preview of \"", asset.fileName, "\" (", asset.id,
                ") could not be downloaded (", e.what(), "); sending the original");
        if (previewFailureLogged_) {
            log_.debug(why);
        } else {
            log_.info(why);
            previewFailureLogged_ = true;  // later ones at debug: one cause often hits them all
        }
        return fetch(asset);
    }
    if (!preview) {
        noPreviewFor_ = asset.id;
        return fetch(asset);
    }
    if (mode == Mode::Preview) return std::move(*preview);
    const auto size = readPictureSize(preview->file.path());
    if (size && box->filledBy(size->width, size->height)) return std::move(*preview);
    log_.debug(cat("the preview of \"", asset.fileName, "\" (",
                   size ? cat(size->width, "\u00d7", size->height) : std::string("unreadable"),
                   ") does not fill the frame's ", box->width, "\u00d7", box->height,
                   "; sending the original"));
    return fetch(asset);
}

}  // namespace pixsync::immich
