#pragma once
// The immich source's listing cursor: the newest updatedAt seen, as Immich wrote it, followed
// by the ids that carried exactly that time. Immich's updatedAfter is inclusive, so the next
// listing sees those assets again; knowing their ids lets it drop them, while another asset
// changed within the same millisecond still comes through.
//
// It may also remember whose library it lists: "@<owner uuid>:<key tag>", the owner's Immich id
// and a short digest of the API key that said so. A later incremental listing with the same key
// then needs no "who am I" request; a changed key, or the periodic full listing, asks again.
//
// Form: "2025-06-01T10:00:00.123Z" or "2025-06-01T10:00:00.123Z <uuid>,<uuid>", each optionally
// followed by " @<uuid>:<tag>". A bare date is a valid cursor too.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace pixsync::immich {

/// A decoded cursor.
struct Cursor {
    std::string updatedAt;                ///< as the server wrote it; goes into updatedAfter
    std::int64_t micros = 0;              ///< the same time, for comparisons
    std::unordered_set<std::string> ids;  ///< assets already seen at exactly that time
    std::string owner;                    ///< the library's owner (Immich user id), or empty
    std::string keyTag;                   ///< keyTag() of the key that named the owner
};

/// A short, non-reversible digest of an API key: enough to notice that the key changed,
/// too short to help anyone guess it.
std::string keyTag(std::string_view apiKey);

/// Decodes a cursor; nullopt when it is not one (empty, or not starting with a date).
/// Malformed ids are ignored (those assets are merely seen again).
std::optional<Cursor> parseCursor(std::string_view text);

/// Encodes a cursor. When very many assets share the time, the ids are left out (they are
/// seen again next time, which is harmless).
std::string formatCursor(const Cursor& cursor);

}  // namespace pixsync::immich
