// `pixsync check` for the immich source: reachability and version, whose the key is, that the
// user exists, the permissions, and whether the route would find anything of the user's own.
// Read-only. What a poll would fail on because of the configuration fails here too.

#include <algorithm>
#include <map>
#include <set>

#include "immich_json.hpp"
#include "immich_source.hpp"
#include "pixsync/util/strings.hpp"
#include "tested_versions.hpp"

namespace pixsync::immich {

namespace {

// One page of the route's search: enough to tell the user's own photos from partners'.
constexpr int kSampleSize = 1000;

}  // namespace

void ImmichSource::check(CheckReport& report) {
    const std::string subject = cat("immich: ", settings_.user, ": server");
    try {
        HttpResponse r = api_.retrying([&] {
            HttpResponse got = api_.call(KeyRole::User, "GET", "/server/version");
            if (got.status >= 500) api_.fail(got, "tell its version", KeyRole::User);
            return got;
        });
        if (!r.ok()) api_.fail(r, "tell its version", KeyRole::User);
        api_.requireJson(r, "/server/version");
        ServerVersion v = parseServerVersion(r.body);
        report.pass(subject, cat("reachable at ", settings_.baseUrl, ", Immich v", v.text()));
        if (!isTestedVersion(v))
            report.warn(subject, untestedVersionWarning(v),
                        cat("run Immich ", testedVersions(), ", or watch the first passes"));
    } catch (const Error& e) {
        report.fail(subject, e.what(),
                    cat("check ", settings_.key("immich_base_url"),
                        " (it must end with /api) and that Immich runs"));
        return;
    }
    if (settings_.insecureTls)
        report.notice(subject, cat("TLS certificate checks are off (",
                                   settings_.key("immich_insecure_tls"), ")"));
    Whose whose = checkUser(report);
    if (!settings_.adminKey.empty()) checkAdmin(report, whose);
    if (whose.key == Whose::Key::Unknown && whose.userId.empty()) {
        // A poll would stop at "cannot find out which Immich user ... is".
        report.fail(cat("immich: ", settings_.user, ": whose key"),
                    cat("cannot tell which Immich user ", settings_.user, " is: the key in ",
                        settings_.apiKeyWhere, " lacks user.read and ",
                        settings_.adminKey.empty() ? "no admin key is set"
                                                   : "the admin key cannot list the users",
                        "; every poll would fail"),
                    cat("grant user.read to that key in Immich (Account Settings > API Keys), or "
                        "set an admin key with user.read in ",
                        settings_.adminKeyWhere));
    }
    checkSearch(report, checkSelection(report), whose);
}

ImmichSource::Whose ImmichSource::checkUser(CheckReport& report) {
    const std::string subject = cat("immich: ", settings_.user, ": API key");
    Whose whose;
    try {
        HttpResponse r = api_.call(KeyRole::User, "GET", "/users/me");
        if (r.ok()) {
            api_.requireJson(r, "/users/me");
            User me = parseUser(r.body);
            if (toLower(me.email) != toLower(settings_.user)) {
                report.fail(subject,
                            cat("the key belongs to ", me.email, ", not to ", settings_.user,
                                ": it would send one person's favorites to another's frame"),
                            cat("put the key created under ", settings_.user,
                                "'s Immich account in ", settings_.apiKeyWhere));
                return whose;
            }
            userId_ = me.id;
            whose.key = Whose::Key::Own;
            whose.userId = me.id;
            report.pass(subject, cat("valid, belongs to ", me.email));
        } else if (r.status == 401) {
            report.fail(
                subject, cat("the key was rejected (Immich: ", Api::immichMessage(r), ")"),
                cat("create a new key in Immich (Account Settings > API Keys) while logged in as ",
                    settings_.user, " and put it in ", settings_.apiKeyWhere));
        } else if (r.status == 403) {
            whose.key = Whose::Key::Unknown;
            report.notice(subject,
                          cat("valid, but it may not read users (Immich: ", Api::immichMessage(r),
                              "), so it cannot say whose key it is"));
        } else {
            api_.fail(r, "look up the key's user", KeyRole::User);
        }
    } catch (const Error& e) {
        report.fail(subject, e.what(), "see the message");
    }
    return whose;
}

void ImmichSource::checkAdmin(CheckReport& report, Whose& whose) {
    const std::string subject = cat("immich: ", settings_.user, ": user (admin key)");
    try {
        HttpResponse r = api_.call(KeyRole::Admin, "GET", "/users");
        if (r.status == 401) {
            report.fail(
                subject, cat("the admin key was rejected (Immich: ", Api::immichMessage(r), ")"),
                cat("create a new admin key in Immich and put it in ", settings_.adminKeyWhere));
            return;
        }
        if (r.status == 403) {
            report.notice(subject, cat("the admin key may not list users (Immich: ",
                                       Api::immichMessage(r), "); grant it user.read"));
            return;
        }
        if (!r.ok()) api_.fail(r, "list the Immich users", KeyRole::Admin);
        api_.requireJson(r, "/users");
        std::vector<std::string> known;
        std::string id;
        for (const auto& u : parseUsers(r.body)) {
            whose.emails[u.id] = u.email;
            known.push_back(u.email);
            if (toLower(u.email) == toLower(settings_.user)) id = u.id;
        }
        if (id.empty()) {
            // A poll would stop at "no Immich user has the e-mail address ...".
            std::sort(known.begin(), known.end());
            if (known.size() > 10) known.resize(10);
            report.fail(subject,
                        cat("no Immich user has the e-mail address ", settings_.user,
                            "; every poll of this route would fail"),
                        cat("correct ", settings_.userWhere, " to the user's login e-mail",
                            known.empty() ? "" : cat("; Immich knows ", join(known, ", "))));
            return;
        }
        report.pass(subject, cat("exists in Immich (id ", id, ")"));
        if (whose.userId.empty()) whose.userId = id;
    } catch (const Error& e) {
        report.fail(subject, e.what(), "see the message");
    }
}

std::string ImmichSource::ownersText(const std::set<std::string>& owners, const Whose& whose) {
    std::vector<std::string> names;
    for (const auto& o : owners) {
        auto it = whose.emails.find(o);
        names.push_back(it == whose.emails.end() ? cat("user ", o) : it->second);
    }
    return join(names, ", ");
}

bool ImmichSource::checkOwner(CheckReport& report, const Whose& whose) {
    // Without user.read the key cannot name its owner: what it lists can. Any asset of the
    // user's own proves it sees that library (the user's key, or a partner's, whose listing
    // still keeps only the user's photos); only others' assets mean another user's key.
    const std::string subject = cat("immich: ", settings_.user, ": whose key");
    Selection anything;
    anything.favorites = false;
    HttpResponse r = api_.call(KeyRole::User, "POST", "/search/metadata",
                               searchBody(anything, SelectionIds{}, 0, 1, kSampleSize));
    if (!r.ok()) return true;  // the permission line reports it
    api_.requireJson(r, "/search/metadata");
    SearchPage page = parseSearchPage(r.body);
    std::set<std::string> others;
    for (const auto& a : page.assets) {
        if (a.owner == whose.userId) {
            report.pass(subject, cat("it lists ", settings_.user, "'s own photos"));
            return true;
        }
        others.insert(a.owner);
    }
    if (others.empty()) {
        report.notice(subject, cat("it lists no photos at all, so whose it is cannot be "
                                   "confirmed; granting it user.read would tell"));
        return true;
    }
    report.fail(
        subject,
        cat("the key lists photos of ", ownersText(others, whose), " and none of ", settings_.user,
            ": it belongs to another Immich user, and nothing would "
            "ever be sent for this route"),
        cat("put the key created under ", settings_.user, "'s Immich account in ",
            settings_.apiKeyWhere, " (if it is theirs, they have no photos yet)"));
    return false;
}

void ImmichSource::checkSearch(CheckReport& report, const std::optional<SelectionIds>& ids,
                               const Whose& whose) {
    const std::string readSubject = cat("immich: ", settings_.user, ": permission asset.read");
    const std::string downloadSubject =
        cat("immich: ", settings_.user, ": permission asset.download");
    // The route's own first search when everything it names was found, else the favorites.
    const Selection favorites;
    const Selection& selection = ids ? settings_.selection : favorites;
    const std::string what = selection.describe();
    std::string body = searchBody(selection, ids.value_or(SelectionIds{}),
                                  selection.ratingsToSearch().front(), 1, kSampleSize);
    std::optional<Asset> sample;
    try {
        HttpResponse r = api_.call(KeyRole::User, "POST", "/search/metadata", body);
        if (r.status == 403) {
            report.fail(readSubject, cat("missing (Immich: ", Api::immichMessage(r), ")"),
                        "edit the key in Immich and grant asset.read");
            return;
        }
        if (r.status == 401) return;  // already reported as a rejected key
        if (!r.ok()) api_.fail(r, cat("list the ", what), KeyRole::User);
        api_.requireJson(r, "/search/metadata");
        SearchPage page = parseSearchPage(r.body);
        report.pass(readSubject, cat("granted: ", what, " can be listed"));
        const bool othersKey =
            whose.key == Whose::Key::Unknown && !whose.userId.empty() && !checkOwner(report, whose);
        std::size_t own = 0, partners = 0;
        std::set<std::string> partnerIds;
        for (const auto& a : page.assets) {
            if (whose.userId.empty() || !selection.favorites || a.owner == whose.userId) {
                ++own;
                if (!sample) sample = a;
            } else {
                ++partners;
                partnerIds.insert(a.owner);
            }
        }
        if (own == 0 && partners > 0 && !othersKey)
            report.warn(
                cat("immich: ", settings_.user, ": route"),
                cat("route ", settings_.user, " would find 0 of ", settings_.user, "'s own ", what,
                    " but ", partners, page.nextPage ? " or more" : "", " of partners (",
                    ownersText(partnerIds, whose),
                    "), which it does not send: only the owner's favorites go to their frames"),
                cat("mark photos as favorites while logged in to Immich as ", settings_.user,
                    "; a partner's favorites go out through the partner's own route"));
    } catch (const Error& e) {
        report.fail(readSubject, e.what(), "see the message");
        return;
    }
    if (!sample) {
        report.notice(downloadSubject,
                      cat("not checked: no ", what, " yet; originals need asset.download"));
        return;
    }
    try {
        // One byte of one asset proves the permission without fetching a whole video.
        TempFile probe = TempFile::create(tempDir_);
        HttpDownload d = api_.download(cat("/assets/", sample->id, "/original"), probe, 4096,
                                       {{"Range", "bytes=0-0"}});
        if (d.status == 200 || d.status == 206) {
            report.pass(downloadSubject, "granted: originals can be downloaded");
        } else if (d.status == 403) {
            report.fail(downloadSubject, cat("missing (Immich: ", Api::immichMessage(d), ")"),
                        "edit the key in Immich and grant asset.download");
        } else {
            report.notice(downloadSubject, cat("could not be confirmed (HTTP ", d.status, ": ",
                                               Api::immichMessage(d), ")"));
        }
    } catch (const Error& e) {
        report.notice(downloadSubject, cat("could not be confirmed: ", e.what()));
    }
    checkPreviews(report, *sample);
}

void ImmichSource::checkPreviews(CheckReport& report, const Asset& sample) {
    using Mode = Settings::ImageSource;
    if (settings_.imageSource == Mode::Original && !settings_.previewFallback) return;
    const std::string subject = cat("immich: ", settings_.user, ": permission asset.view");
    try {
        TempFile probe = TempFile::create(tempDir_);
        HttpDownload d = api_.download(cat("/assets/", sample.id, "/thumbnail?size=preview"), probe,
                                       4096, {{"Range", "bytes=0-0"}});
        if (d.status == 200 || d.status == 206) {
            report.pass(subject, "granted: Immich's previews can be sent");
        } else if (d.status == 403) {
            // Works without it, but at a cost nobody would choose knowingly.
            report.warn(subject,
                        cat("missing (Immich: ", Api::immichMessage(d),
                            "): previews are off, so every photo is made from its original "
                            "(twice the work or more) and RAW photos, which only Immich's "
                            "preview shows, are skipped"),
                        "edit the key in Immich and grant asset.view");
        } else {
            report.notice(subject, cat("could not be confirmed (HTTP ", d.status, ": ",
                                       Api::immichMessage(d), ")"));
        }
    } catch (const Error& e) {
        report.notice(subject, cat("could not be confirmed: ", e.what()));
    }
}

}  // namespace pixsync::immich
