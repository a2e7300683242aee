// `pixsync check` for what a route follows: one line for the route, one for each album, tag
// or person it names, with the permission a lookup needs when the key lacks it. Read-only.

#include "immich_source.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::immich {

std::optional<SelectionIds> ImmichSource::checkSelection(CheckReport& report) {
    const Selection& s = settings_.selection;
    if (s.isDefault()) return SelectionIds{};
    report.pass(
        cat("immich: ", settings_.user, ": route"),
        cat("follows ", s.describe(), s.listsInFull() ? "; listed in full at every poll" : ""));
    SelectionIds ids;
    bool found = true;
    if (s.album)
        found &= checkReference(report, "album", *s.album, ids.album, [&] {
            Album a = lookup_.album(*s.album);
            return Finding{a.id,
                           cat("\"", a.name, "\" (id ", a.id, "), ", a.assetCount, " assets")};
        });
    if (s.tag)
        found &= checkReference(report, "tag", *s.tag, ids.tag, [&] {
            Tag t = lookup_.tag(*s.tag);
            return Finding{t.id, cat("\"", t.value, "\" (id ", t.id, "), tags below it included")};
        });
    if (s.person)
        found &= checkReference(report, "person", *s.person, ids.person, [&] {
            Person p = lookup_.person(*s.person);
            return Finding{p.id, cat("\"", p.name, "\" (id ", p.id, ")",
                                     p.hidden ? ", hidden in Immich" : "")};
        });
    if (!found) return std::nullopt;
    return ids;
}

bool ImmichSource::checkReference(CheckReport& report, std::string_view kind, const Reference& ref,
                                  std::string& id, const std::function<Finding()>& find) {
    const std::string subject = cat("immich: ", settings_.user, ": ", kind);
    const std::string key = keyName(settings_, KeyRole::User);
    try {
        auto [foundId, detail] = find();
        report.pass(subject, detail);
        id = std::move(foundId);
        return true;
    } catch (const MissingPermission& e) {
        // An id goes into the search as it is: only a name needs the permission.
        if (ref.isId) {
            report.notice(subject, cat("id ", ref.text, " not confirmed: ", key, " lacks ",
                                       e.permission(), ", which listing does not need"));
            id = ref.text;
            return true;
        }
        report.fail(subject, e.what(),
                    cat("grant ", e.permission(), " to ", key, ", or use the ", kind, "'s id"));
    } catch (const Error& e) {
        report.fail(subject, e.what(), cat("check ", ref.where));
    }
    return false;
}

}  // namespace pixsync::immich
