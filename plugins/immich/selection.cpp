#include "selection.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <cstdint>

#include "immich_json.hpp"
#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::immich {

namespace {

constexpr std::int64_t kDayMicros = 86'400'000'000;

std::optional<Reference> readReference(const Options& options, std::string_view key,
                                       std::string_view hint) {
    auto value = options.optionalString(key);
    if (!value) return std::nullopt;
    Reference ref;
    ref.where = options.where(key);
    ref.text = trim(*value);
    if (ref.text.empty())
        throw configError(cat(ref.where, " is empty: give ", hint, ", or leave ", key, " out"));
    ref.isId = isUuid(ref.text);
    if (ref.isId) ref.text = toLower(ref.text);
    return ref;
}

// True when `text` starts with a real calendar date, YYYY-MM-DD ("2024-02-30" is not one).
bool startsWithCalendarDate(std::string_view text) {
    if (text.size() < 10 || text[4] != '-' || text[7] != '-') return false;
    auto number = [&](std::size_t at, std::size_t length) {
        int value = 0;
        const char* end = text.data() + at + length;
        auto [stop, ec] = std::from_chars(text.data() + at, end, value);
        return ec == std::errc() && stop == end ? value : -1;
    };
    const int year = number(0, 4), month = number(5, 2), day = number(8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1) return false;
    constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

struct TakenBound {
    std::string original;  ///< as written, for messages
    std::string sent;      ///< UTC with milliseconds, for Immich
    std::int64_t micros = 0;
};

// taken_after / taken_before. A bare date stands for the whole day (UTC): its first
// millisecond for taken_after, its last for taken_before, so both bounds include the day.
std::optional<TakenBound> readTakenBound(const Options& options, std::string_view key,
                                         bool endOfDay) {
    auto value = options.optionalString(key);
    if (!value) return std::nullopt;
    TakenBound bound;
    bound.original = trim(*value);
    std::optional<std::int64_t> micros;
    if (startsWithCalendarDate(bound.original)) {
        if (bound.original.size() == 10) {
            micros = parseTimestampMicros(cat(bound.original, "T00:00:00Z"));
            if (micros && endOfDay) *micros += kDayMicros - 1000;
        } else {
            micros = parseTimestampMicros(bound.original);
        }
    }
    if (!micros)
        throw configError(cat(options.where(key), ": \"", bound.original,
                              "\" is not a date; write a date such as 2024-06-30 or a date and "
                              "time such as 2024-06-30T18:00:00Z"));
    bound.micros = *micros;
    bound.sent = formatTimestampMillis(*micros);
    return bound;
}

}  // namespace

bool Selection::listsInFull() const { return album || tag || person || minRating > 0; }

bool Selection::isDefault() const {
    return favorites && !listsInFull() && takenAfter.empty() && takenBefore.empty();
}

std::vector<int> Selection::ratingsToSearch() const {
    if (minRating == 0) return {0};
    std::vector<int> ratings;
    for (int r = minRating; r <= 5; ++r) ratings.push_back(r);
    return ratings;
}

std::string Selection::describe() const {
    std::string text = favorites ? "favorites" : "assets";
    if (album) text += cat(" in album \"", album->text, "\"");
    if (tag) text += cat(" tagged \"", tag->text, "\"");
    if (person) text += cat(" showing \"", person->text, "\"");
    if (minRating > 0) text += cat(" rated ", minRating, minRating < 5 ? " or more" : "");
    if (!takenAfter.empty() && !takenBefore.empty())
        text += cat(" taken from ", takenAfter, " to ", takenBefore);
    else if (!takenAfter.empty())
        text += cat(" taken from ", takenAfter);
    else if (!takenBefore.empty())
        text += cat(" taken until ", takenBefore);
    return text;
}

Selection readSelection(const Options& options) {
    Selection s;
    s.album = readReference(options, "album", "the album's name as Immich shows it or its id");
    s.tag = readReference(options, "tag",
                          "the tag as Immich shows it (Parent/Child, or the last part alone when "
                          "no other tag ends the same way) or its id");
    s.person = readReference(options, "person",
                             "the person's name as Immich's People page shows it or their id");
    s.favorites = options.boolean("favorites", !s.album && !s.tag && !s.person);
    s.minRating = static_cast<int>(options.integer("min_rating", 0, 1, 5));
    auto after = readTakenBound(options, "taken_after", false);
    auto before = readTakenBound(options, "taken_before", true);
    if (after && before && after->micros > before->micros)
        throw configError(cat(options.where("taken_after"), " (", after->original,
                              ") is later than ", options.where("taken_before"), " (",
                              before->original,
                              "): no photo can have been taken in between; swap the two dates"));
    if (after) s.takenAfter = after->sent;
    if (before) s.takenBefore = before->sent;
    return s;
}

std::string searchBody(const Selection& s, const SelectionIds& ids, int rating, int page, int size,
                       const std::string& updatedAfter) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    auto text = [&](const char* key, const std::string& value) {
        w.Key(key);
        w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    };
    // Each list holds one id: the asset must be in that album, carry that tag (or one below
    // it), show that person.
    auto oneId = [&](const char* key, const std::string& id) {
        if (id.empty()) return;
        w.Key(key);
        w.StartArray();
        w.String(id.c_str(), static_cast<rapidjson::SizeType>(id.size()));
        w.EndArray();
    };
    w.StartObject();
    if (s.favorites) {
        w.Key("isFavorite");
        w.Bool(true);
    }
    oneId("albumIds", ids.album);
    oneId("tagIds", ids.tag);
    oneId("personIds", ids.person);
    if (rating != 0) {
        w.Key("rating");  // an exact match in Immich
        w.Int(rating);
    }
    if (!s.takenAfter.empty()) text("takenAfter", s.takenAfter);
    if (!s.takenBefore.empty()) text("takenBefore", s.takenBefore);
    w.Key("withDeleted");
    w.Bool(false);
    w.Key("order");
    w.String("asc");
    w.Key("page");
    w.Int(page);
    w.Key("size");
    w.Int(size);
    if (!updatedAfter.empty()) text("updatedAfter", updatedAfter);
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace pixsync::immich
