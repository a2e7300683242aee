#pragma once
// What an Immich route follows: the user's favorites, an album, a tag or a person, narrowed
// by a minimum star rating and the dates photos were taken. Read from the route's options
// when the configuration is loaded; turned into the bodies of POST /search/metadata.

#include <optional>
#include <string>
#include <vector>

#include "pixsync/options.hpp"

namespace pixsync::immich {

/// An album, tag or person as the route names it.
struct Reference {
    std::string text;   ///< as written (trimmed); lower case when it is an id
    std::string where;  ///< the option, for messages ("pixsync.json: ...album")
    bool isId = false;  ///< a UUID, used as it is; otherwise a name to look up
};

/// The ids a route's references stand for; empty for the ones it does not name.
struct SelectionIds {
    std::string album, tag, person;
};

/// Everything that decides which assets a route delivers.
struct Selection {
    std::optional<Reference> album, tag, person;
    /// Only favorites, and only the user's own (favorites are per owner). When false, every
    /// asset the search returns counts, partners' included.
    bool favorites = true;
    int minRating = 0;        ///< 1..5; 0 when ratings do not matter
    std::string takenAfter;   ///< inclusive, UTC as sent to Immich; empty when open
    std::string takenBefore;  ///< inclusive, UTC as sent to Immich; empty when open

    /// True when membership decides (album, tag, person, rating). Immich leaves an asset's
    /// updatedAt alone when such things change, so only a full listing sees them.
    bool listsInFull() const;
    /// True for the plain "the user's favorites" route.
    bool isDefault() const;
    /// The rating values to search for, one search each: {0} (any rating) without
    /// min_rating, else min_rating..5.
    std::vector<int> ratingsToSearch() const;
    /// What the route follows, for messages: "favorites", "assets in album \"Kitchen\"
    /// rated 4 or more".
    std::string describe() const;
};

/// Reads and validates the route options album, tag, person, favorites, min_rating,
/// taken_after and taken_before. Throws Error(Config) naming the option and the fix.
Selection readSelection(const Options& options);

/// The POST /search/metadata body for one page of a selection. `rating` 0 searches every
/// rating; an empty `updatedAfter` asks for everything. Only MetadataSearchDto properties:
/// Immich drops unknown ones without a word.
std::string searchBody(const Selection& selection, const SelectionIds& ids, int rating, int page,
                       int size, const std::string& updatedAfter = {});

}  // namespace pixsync::immich
