// `pixsync check` for the immich source: reachability, the key, its permissions. Read-only.

#include "immich_json.hpp"
#include "immich_source.hpp"
#include "pixsync/strings.hpp"

namespace pixsync::immich {

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
        if (v.major < 2)
            report.notice(subject, cat("Immich v", v.text(),
                                       " is older than the v2 API pixsync speaks "
                                       "(tested with v2.3.1)"));
    } catch (const Error& e) {
        report.fail(subject, e.what(),
                    cat("check ", settings_.key("immich_base_url"),
                        " (it must end with /api) and that Immich runs"));
        return;
    }
    if (settings_.insecureTls)
        report.notice(subject, cat("TLS certificate checks are off (",
                                   settings_.key("immich_insecure_tls"), ")"));
    checkUser(report);
    checkSearch(report, checkSelection(report));
    if (!settings_.adminKey.empty()) checkAdmin(report);
}

void ImmichSource::checkUser(CheckReport& report) {
    const std::string subject = cat("immich: ", settings_.user, ": API key");
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
                return;
            }
            userId_ = me.id;
            report.pass(subject, cat("valid, belongs to ", me.email));
        } else if (r.status == 401) {
            report.fail(
                subject, cat("the key was rejected (Immich: ", Api::immichMessage(r), ")"),
                cat("create a new key in Immich (Account Settings > API Keys) while logged in as ",
                    settings_.user, " and put it in ", settings_.apiKeyWhere));
        } else if (r.status == 403) {
            report.notice(subject, cat("valid, but it may not read users (Immich: ",
                                       Api::immichMessage(r),
                                       "), so whose key it is cannot be confirmed"));
        } else {
            api_.fail(r, "look up the key's user", KeyRole::User);
        }
    } catch (const Error& e) {
        report.fail(subject, e.what(), "see the message");
    }
}

void ImmichSource::checkSearch(CheckReport& report, const std::optional<SelectionIds>& ids) {
    const std::string readSubject = cat("immich: ", settings_.user, ": permission asset.read");
    const std::string downloadSubject =
        cat("immich: ", settings_.user, ": permission asset.download");
    // The route's own first search when everything it names was found, else the favorites.
    const Selection favorites;
    const Selection& selection = ids ? settings_.selection : favorites;
    const std::string what = selection.describe();
    std::string body = searchBody(selection, ids.value_or(SelectionIds{}),
                                  selection.ratingsToSearch().front(), 1, 1);
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
        if (!page.assets.empty()) sample = page.assets.front();
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
            report.fail(downloadSubject,
                        cat("missing (Immich: ", Api::immichMessage(d), ")"),
                        "edit the key in Immich and grant asset.download");
        } else {
            report.notice(downloadSubject, cat("could not be confirmed (HTTP ", d.status, ": ",
                                               Api::immichMessage(d), ")"));
        }
    } catch (const Error& e) {
        report.notice(downloadSubject, cat("could not be confirmed: ", e.what()));
    }
}

void ImmichSource::checkAdmin(CheckReport& report) {
    const std::string subject = cat("immich: ", settings_.user, ": user (admin key)");
    try {
        HttpResponse r = api_.call(KeyRole::Admin, "GET", "/users");
        if (r.status == 401) {
            report.fail(
                subject,
                cat("the admin key was rejected (Immich: ", Api::immichMessage(r), ")"),
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
        for (const auto& u : parseUsers(r.body))
            if (toLower(u.email) == toLower(settings_.user)) {
                report.pass(subject, cat("exists in Immich (id ", u.id, ")"));
                return;
            }
        report.notice(subject, cat("no Immich user has the e-mail address ", settings_.user,
                                   "; check ", settings_.userWhere));
    } catch (const Error& e) {
        report.fail(subject, e.what(), "see the message");
    }
}

}  // namespace pixsync::immich
