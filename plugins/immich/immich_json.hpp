#pragma once
// Parsing of Immich's JSON answers (SDK 2.3.1 shapes). Everything here treats the input as
// hostile: wrong types, missing fields, huge arrays, deep nesting and invalid UTF-8 end in a
// clean Error, never a crash. No network: unit-testable and fuzzable on its own.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pixsync/asset.hpp"

namespace pixsync::immich {

/// Limits applied while parsing.
struct ParseLimits {
    /// Most items accepted in one search page (Immich sends at most the requested size).
    std::size_t maxItems = 10000;
    /// Longest string field accepted (ids, names, dates); longer values drop the item.
    std::size_t maxFieldLength = 4096;
};

/// One page of POST /search/metadata, reduced to what pixsync needs.
struct SearchPage {
    std::vector<Asset> assets;  ///< usable IMAGE/VIDEO items, not trashed, valid ids
    /// When an item changed: every item with a readable updatedAt (any owner, any type), for
    /// the cursor. `id` is empty when the item's id was not a UUID.
    struct Stamp {
        std::string id;
        std::string updatedAt;
        std::int64_t micros = 0;
    };
    std::vector<Stamp> stamps;
    std::optional<int> nextPage;        ///< the next page number, when there is one
    std::size_t itemsSeen = 0;          ///< items in the answer, usable or not
    std::size_t trashed = 0;            ///< items skipped because they are in the trash
    std::size_t otherTypes = 0;         ///< items skipped because they are not IMAGE or VIDEO
    std::vector<std::string> problems;  ///< why malformed items were dropped (one line each)
};

/// An Immich user (UserResponseDto / UserAdminResponseDto).
struct User {
    std::string id;
    std::string email;
    std::string name;
};

/// Immich's version (ServerVersionResponseDto).
struct ServerVersion {
    std::int64_t major = 0, minor = 0, patch = 0;
    std::string text() const;
};

/// An album (AlbumResponseDto, without its assets).
struct Album {
    std::string id;
    std::string name;
    std::string ownerId;
    std::int64_t assetCount = 0;
};

/// A tag (TagResponseDto). Tags nest: `value` is the full path ("Frames/Kitchen"), `name`
/// its last part ("Kitchen").
struct Tag {
    std::string id;
    std::string name;
    std::string value;
};

/// A person recognised in the user's photos (PersonResponseDto).
struct Person {
    std::string id;
    std::string name;
    bool hidden = false;
};

/// Immich's error answer {message, error, statusCode, correlationId}. `message` may be a
/// string or an array of strings (validation errors); they are joined with "; ".
struct ErrorBody {
    std::string message;
    std::string error;
    std::string correlationId;
};

/// Parses a search answer. Throws Error(Unavailable) when the answer as a whole is unusable
/// (not JSON, not the expected shape, too many items); malformed single items are dropped and
/// described in `problems`.
SearchPage parseSearchPage(std::string_view body, const ParseLimits& limits = {});

/// Parses GET /users/me. Throws Error(Unavailable) when unusable.
User parseUser(std::string_view body);

/// Parses GET /users (an array of users). Malformed entries are skipped.
std::vector<User> parseUsers(std::string_view body);

/// Parses GET /server/version. Throws Error(Unavailable) when unusable.
ServerVersion parseServerVersion(std::string_view body);

/// Parses GET /albums (a list); entries without a valid id or name are skipped. Throws
/// Error(Unavailable) when the answer is not a list or holds more than `maxItems` entries.
std::vector<Album> parseAlbums(std::string_view body, std::size_t maxItems = 100000);
/// Parses GET /albums/{id}. Throws Error(Unavailable) when unusable.
Album parseAlbum(std::string_view body);
/// Parses GET /tags, like parseAlbums().
std::vector<Tag> parseTags(std::string_view body, std::size_t maxItems = 100000);
/// Parses GET /search/person, like parseAlbums(); unnamed people are kept (name "").
std::vector<Person> parsePeople(std::string_view body, std::size_t maxItems = 100000);
/// Parses GET /people/{id}. Throws Error(Unavailable) when unusable.
Person parsePerson(std::string_view body);

/// Parses an error answer; nullopt when the body is not Immich's error JSON.
std::optional<ErrorBody> parseErrorBody(std::string_view body) noexcept;

/// Parses an ISO 8601 date-time leniently ("2025-01-02T03:04:05Z", "+00:00", "+0200",
/// fractions of any length up to nanoseconds, a space instead of 'T') into microseconds since
/// the Unix epoch, UTC. nullopt when it is not a date-time.
std::optional<std::int64_t> parseTimestampMicros(std::string_view text) noexcept;

/// Writes microseconds since the Unix epoch the way Immich writes dates, UTC with
/// milliseconds ("2025-01-02T03:04:05.678Z"); sub-millisecond digits are dropped.
std::string formatTimestampMillis(std::int64_t micros);

}  // namespace pixsync::immich
