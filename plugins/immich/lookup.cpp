#include "lookup.hpp"

#include <algorithm>
#include <unordered_set>

#include "pixsync/util/strings.hpp"

namespace pixsync::immich {

namespace {

// Names listed in a "no such album" message, so that it stays one readable line.
constexpr std::size_t kNamesShown = 10;

// Percent-encodes a query-string value: everything but RFC 3986's unreserved characters.
std::string urlEncode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '.' || c == '_' || c == '~';
        if (plain) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

// Indexes of the names equal to `wanted`; failing that, of those equal but for (ASCII) case.
std::vector<std::size_t> matching(const std::vector<std::string>& names, std::string_view wanted) {
    std::vector<std::size_t> exact, folded;
    const std::string lower = toLower(wanted);
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == wanted)
            exact.push_back(i);
        else if (toLower(names[i]) == lower)
            folded.push_back(i);
    }
    return exact.empty() ? folded : exact;
}

// "\"Family\", \"Holidays\"", at most kNamesShown of them, sorted; "there are none" for none.
std::string someNames(std::vector<std::string> names) {
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    if (names.empty()) return "there are none";
    const std::size_t total = names.size();
    names.resize(std::min(total, kNamesShown));
    for (auto& n : names) n = cat("\"", n, "\"");
    std::string text = join(names, ", ");
    if (total > kNamesShown) text += cat(", ... (", total, " in all)");
    return text;
}

template <class T, class Field>
std::vector<std::string> fieldOf(const std::vector<T>& items, Field field,
                                 const std::vector<std::size_t>& which = {}) {
    std::vector<std::string> out;
    if (which.empty())
        for (const auto& item : items) out.push_back(item.*field);
    else
        for (auto i : which) out.push_back(items[i].*field);
    return out;
}

}  // namespace

HttpResponse Lookup::get(const std::string& path, std::string_view permission, const Reference& ref,
                         std::string_view kind) {
    const Settings& s = api_.settings();
    const std::string action = cat("look up the ", kind, " \"", ref.text, "\" (", ref.where, ")");
    HttpResponse r = api_.retrying([&] {
        HttpResponse got = api_.call(KeyRole::User, "GET", path);
        if (got.status >= 500) api_.fail(got, action, KeyRole::User);
        return got;
    });
    if (r.status == 403)
        throw MissingPermission(std::string(permission),
                                cat("cannot ", action, ": ", keyName(s, KeyRole::User), " lacks ",
                                    permission, " (Immich: ", Api::immichMessage(r), "); grant ",
                                    permission, " to that key in Immich",
                                    ref.isId ? "" : cat(", or give the ", kind, "'s id instead")));
    // Immich answers 400 "Not found or no ... access" for an id it will not show.
    if (r.status == 400 && ref.isId)
        throw unavailableError(cat("no ", kind, " with the id ", ref.text, " (", ref.where,
                                   ") is visible to ", s.user, " (Immich: ", Api::immichMessage(r),
                                   "); check the id: it ends the ", kind, "'s address in Immich"));
    if (!r.ok()) api_.fail(r, action, KeyRole::User);
    api_.requireJson(r, path);
    return r;
}

Album Lookup::album(const Reference& ref) {
    const std::string& user = api_.settings().user;
    if (ref.isId)
        return parseAlbum(
            get(cat("/albums/", ref.text, "?withoutAssets=true"), "album.read", ref, "album").body);
    // The user's own albums, then those shared with them (own shared ones come twice).
    std::vector<Album> albums;
    std::unordered_set<std::string> seen;
    for (const char* path : {"/albums", "/albums?shared=true"})
        for (auto& a : parseAlbums(get(path, "album.read", ref, "album").body))
            if (seen.insert(a.id).second) albums.push_back(std::move(a));
    auto found = matching(fieldOf(albums, &Album::name), ref.text);
    if (found.size() == 1) return albums[found[0]];
    if (found.size() > 1)
        throw unavailableError(cat(found.size(), " albums named \"", ref.text, "\" are visible to ",
                                   user, " (ids ", join(fieldOf(albums, &Album::id, found), ", "),
                                   "); put the id of the one to follow in ", ref.where));
    throw unavailableError(cat("no album named \"", ref.text, "\" among the albums ", user,
                               " can see (", someNames(fieldOf(albums, &Album::name)),
                               "); check the name (", ref.where, ") or use the album's id"));
}

Tag Lookup::tag(const Reference& ref) {
    const std::string& user = api_.settings().user;
    std::vector<Tag> tags = parseTags(get("/tags", "tag.read", ref, "tag").body);
    if (ref.isId) {
        for (const auto& t : tags)
            if (t.id == ref.text) return t;
        throw unavailableError(cat("no tag with the id ", ref.text, " (", ref.where, ") among ",
                                   user, "'s tags; check the id"));
    }
    auto found = matching(fieldOf(tags, &Tag::value), ref.text);
    if (found.empty()) found = matching(fieldOf(tags, &Tag::name), ref.text);  // the last part
    if (found.size() == 1) return tags[found[0]];
    if (found.size() > 1)
        throw unavailableError(cat(found.size(), " of ", user, "'s tags end in \"", ref.text,
                                   "\" (", someNames(fieldOf(tags, &Tag::value, found)),
                                   "); write the whole tag in ", ref.where, " or use its id"));
    throw unavailableError(cat("no tag \"", ref.text, "\" among ", user, "'s tags (",
                               someNames(fieldOf(tags, &Tag::value)), "); check the tag (",
                               ref.where, ") or use the tag's id"));
}

Person Lookup::person(const Reference& ref) {
    const std::string& user = api_.settings().user;
    if (ref.isId)
        return parsePerson(get(cat("/people/", ref.text), "person.read", ref, "person").body);
    // Immich's name search is a loose match; the exact name is picked from its answer.
    std::vector<Person> people =
        parsePeople(get(cat("/search/person?name=", urlEncode(ref.text), "&withHidden=true"),
                        "person.read", ref, "person")
                        .body);
    auto found = matching(fieldOf(people, &Person::name), ref.text);
    if (found.size() == 1) return people[found[0]];
    if (found.size() > 1)
        throw unavailableError(cat(found.size(), " of ", user, "'s people are named \"", ref.text,
                                   "\" (ids ", join(fieldOf(people, &Person::id, found), ", "),
                                   "); put the id of the one to follow in ", ref.where));
    std::string similar;
    if (!people.empty())
        similar = cat(" (similar names: ", someNames(fieldOf(people, &Person::name)), ")");
    throw unavailableError(cat("no person named \"", ref.text, "\" among ", user, "'s people",
                               similar, "; check the name as Immich's People page shows it (",
                               ref.where, ") or use the person's id"));
}

const SelectionIds& Lookup::ids(const Selection& selection) {
    if (ids_) return *ids_;
    // A name is looked up (and the finding logged) once; an id is used as it is.
    auto resolve = [&](const std::optional<Reference>& ref, std::string_view kind, auto find) {
        if (!ref) return std::string();
        if (ref->isId) return ref->text;
        std::string id = find(*ref).id;
        log_.info(cat(api_.settings().user, "'s ", kind, " \"", ref->text, "\" is ", id));
        return id;
    };
    SelectionIds ids;
    ids.album = resolve(selection.album, "album", [&](const Reference& r) { return album(r); });
    ids.tag = resolve(selection.tag, "tag", [&](const Reference& r) { return tag(r); });
    ids.person = resolve(selection.person, "person", [&](const Reference& r) { return person(r); });
    ids_ = std::move(ids);
    return *ids_;
}

}  // namespace pixsync::immich
