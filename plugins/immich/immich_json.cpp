#include "immich_json.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <limits>

#include "pixsync/error.hpp"
#include "pixsync/file_name.hpp"
#include "pixsync/util/bounded_json.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::immich {

namespace {

using Value = rapidjson::Value;

// The bounded parse keeps deep nesting off the call stack; encoding validation rejects
// invalid UTF-8 before it can reach a file name or a log line.
constexpr unsigned kParseFlags = rapidjson::kParseValidateEncodingFlag;

rapidjson::Document parseDocument(std::string_view body, std::string_view what) {
    rapidjson::Document doc;
    if (const JsonParseResult parsed = parseBoundedJson<kParseFlags>(doc, body); !parsed)
        throw unavailableError(cat("Immich sent ", what, " that is not valid JSON (at byte ",
                                   parsed.offset, ": ", parsed.reason(), ")"));
    return doc;
}

const Value* member(const Value& object, const char* name) {
    if (!object.IsObject()) return nullptr;
    auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

// A string member no longer than `maxLength`; nullopt when missing, of another type or too long.
std::optional<std::string> stringMember(const Value& object, const char* name,
                                        std::size_t maxLength = 4096) {
    const Value* v = member(object, name);
    if (!v || !v->IsString() || v->GetStringLength() > maxLength) return std::nullopt;
    return std::string(v->GetString(), v->GetStringLength());
}

std::optional<bool> boolMember(const Value& object, const char* name) {
    const Value* v = member(object, name);
    if (!v || !v->IsBool()) return std::nullopt;
    return v->GetBool();
}

// Describes an item for a problem line without trusting its content.
std::string itemLabel(const Value& item, std::size_t index) {
    auto id = stringMember(item, "id", 64);
    if (id && isUuid(*id)) return cat("item ", index, " (", *id, ")");
    return cat("item ", index);
}

std::optional<int> parsePageNumber(const Value& v) {
    if (v.IsNull()) return std::nullopt;
    if (v.IsString()) {
        std::string_view s(v.GetString(), v.GetStringLength());
        int page = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), page);
        if (ec == std::errc() && end == s.data() + s.size() && page >= 1) return page;
    } else if (v.IsInt() && v.GetInt() >= 1) {
        return v.GetInt();
    }
    throw unavailableError("Immich sent a search answer whose nextPage is not a page number");
}

// Reads one AssetResponseDto into `page`. Returns silently after recording why an item was
// dropped; only well-formed, wanted items become assets.
void readItem(const Value& item, std::size_t index, const ParseLimits& limits, SearchPage& page) {
    if (!item.IsObject()) {
        page.problems.push_back(cat("item ", index, " is not an object"));
        return;
    }
    const std::size_t max = limits.maxFieldLength;
    auto updatedAt = stringMember(item, "updatedAt", max);
    auto id = stringMember(item, "id", max);
    if (updatedAt)
        if (auto micros = parseTimestampMicros(*updatedAt))
            page.stamps.push_back(
                {id && isUuid(*id) ? toLower(*id) : std::string(), *updatedAt, *micros});

    if (!id || !isUuid(*id)) {
        page.problems.push_back(cat(itemLabel(item, index), " has no valid id"));
        return;
    }
    auto owner = stringMember(item, "ownerId", max);
    if (!owner || !isUuid(*owner)) {
        page.problems.push_back(cat(itemLabel(item, index), " has no valid ownerId"));
        return;
    }
    auto type = stringMember(item, "type", max);
    if (!type) {
        page.problems.push_back(cat(itemLabel(item, index), " has no type"));
        return;
    }
    auto trashed = boolMember(item, "isTrashed");
    if (trashed.value_or(false)) {
        ++page.trashed;
        return;
    }
    AssetKind kind = *type == "IMAGE"   ? AssetKind::Image
                     : *type == "VIDEO" ? AssetKind::Video
                                        : AssetKind::Other;
    if (kind == AssetKind::Other) {
        ++page.otherTypes;
        return;
    }
    if (!updatedAt || !parseTimestampMicros(*updatedAt)) {
        page.problems.push_back(cat(itemLabel(item, index), " has no valid updatedAt"));
        return;
    }
    auto checksum = stringMember(item, "checksum", max);
    // Any length is accepted (the reply's size is bounded) and shortened: an over-long name
    // is no reason to leave a photo out.
    std::optional<std::string> fileName;
    if (const Value* name = member(item, "originalFileName"); name && name->IsString())
        fileName = shortenFileName(std::string_view(name->GetString(), name->GetStringLength()));
    if (!checksum || checksum->empty() || !fileName) {
        page.problems.push_back(cat(itemLabel(item, index), " lacks checksum or originalFileName"));
        return;
    }
    Asset a;
    a.id = std::move(*id);
    a.owner = std::move(*owner);
    a.kind = kind;
    a.checksum = std::move(*checksum);
    a.fileName = std::move(*fileName);
    a.mimeType = stringMember(item, "originalMimeType", 255).value_or("");
    a.takenAt = stringMember(item, "fileCreatedAt", max).value_or("");
    a.updatedAt = std::move(*updatedAt);
    if (const Value* exif = member(item, "exifInfo"))
        if (const Value* size = member(*exif, "fileSizeInByte"); size && size->IsUint64())
            a.sizeBytes = size->GetUint64();
    page.assets.push_back(std::move(a));
}

std::optional<User> readUser(const Value& v) {
    auto id = stringMember(v, "id", 64);
    auto email = stringMember(v, "email");
    if (!id || !isUuid(*id) || !email) return std::nullopt;
    return User{*id, *email, stringMember(v, "name").value_or("")};
}

std::optional<std::string> idMember(const Value& v, const char* name) {
    auto id = stringMember(v, name, 64);
    if (!id || !isUuid(*id)) return std::nullopt;
    return toLower(*id);
}

std::optional<Album> readAlbum(const Value& v) {
    auto id = idMember(v, "id");
    auto name = stringMember(v, "albumName");
    if (!id || !name) return std::nullopt;
    Album a{*id, *name, idMember(v, "ownerId").value_or(""), 0};
    if (const Value* count = member(v, "assetCount"); count && count->IsInt64())
        a.assetCount = std::max<std::int64_t>(0, count->GetInt64());
    return a;
}

std::optional<Tag> readTag(const Value& v) {
    auto id = idMember(v, "id");
    auto value = stringMember(v, "value");
    if (!id || !value || value->empty()) return std::nullopt;
    std::string name = value->substr(value->rfind('/') + 1);  // npos + 1 == 0
    return Tag{*id, stringMember(v, "name").value_or(name), *value};
}

std::optional<Person> readPerson(const Value& v) {
    auto id = idMember(v, "id");
    if (!id) return std::nullopt;
    return Person{*id, stringMember(v, "name").value_or(""),
                  boolMember(v, "isHidden").value_or(false)};
}

// A JSON list of `what`, each entry read by `read`; unreadable entries are skipped.
template <class T>
std::vector<T> parseList(std::string_view body, const char* what, std::size_t maxItems,
                         std::optional<T> (*read)(const Value&)) {
    rapidjson::Document doc = parseDocument(body, what);
    if (!doc.IsArray()) throw unavailableError(cat("Immich sent ", what, " that is not a list"));
    if (doc.Size() > maxItems)
        throw unavailableError(cat("Immich sent ", doc.Size(), " entries in ", what, " (at most ",
                                   maxItems, " expected)"));
    std::vector<T> out;
    for (const Value& v : doc.GetArray())
        if (auto item = read(v)) out.push_back(std::move(*item));
    return out;
}

template <class T>
T parseOne(std::string_view body, const char* what, std::optional<T> (*read)(const Value&)) {
    rapidjson::Document doc = parseDocument(body, what);
    auto item = read(doc);
    if (!item) throw unavailableError(cat("Immich sent ", what, " without a valid id"));
    return *item;
}

// Reads `count` decimal digits at `p`; advances it.
bool digits(std::string_view s, std::size_t& p, int count, int& out) {
    if (p + static_cast<std::size_t>(count) > s.size()) return false;
    int v = 0;
    for (int i = 0; i < count; ++i) {
        char c = s[p + static_cast<std::size_t>(i)];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    p += static_cast<std::size_t>(count);
    out = v;
    return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace

std::string ServerVersion::text() const { return cat(major, ".", minor, ".", patch); }

SearchPage parseSearchPage(std::string_view body, const ParseLimits& limits) {
    rapidjson::Document doc = parseDocument(body, "a search answer");
    const Value* assets = member(doc, "assets");
    const Value* items = assets ? member(*assets, "items") : nullptr;
    if (!items || !items->IsArray())
        throw unavailableError("Immich sent a search answer without assets.items");
    if (items->Size() > limits.maxItems)
        throw unavailableError(cat("Immich sent ", items->Size(),
                                   " items in one search page (at most ", limits.maxItems,
                                   " expected)"));
    SearchPage page;
    page.itemsSeen = items->Size();
    std::size_t index = 0;
    for (const Value& item : items->GetArray()) readItem(item, index++, limits, page);
    if (const Value* next = member(*assets, "nextPage")) page.nextPage = parsePageNumber(*next);
    return page;
}

User parseUser(std::string_view body) {
    rapidjson::Document doc = parseDocument(body, "a user");
    auto user = readUser(doc);
    if (!user) throw unavailableError("Immich sent a user without a valid id and email");
    return *user;
}

std::vector<User> parseUsers(std::string_view body) {
    return parseList(body, "a user list", std::numeric_limits<std::size_t>::max(), readUser);
}

std::vector<Album> parseAlbums(std::string_view body, std::size_t maxItems) {
    return parseList(body, "an album list", maxItems, readAlbum);
}

Album parseAlbum(std::string_view body) { return parseOne(body, "an album", readAlbum); }

std::vector<Tag> parseTags(std::string_view body, std::size_t maxItems) {
    return parseList(body, "a tag list", maxItems, readTag);
}

std::vector<Person> parsePeople(std::string_view body, std::size_t maxItems) {
    return parseList(body, "a list of people", maxItems, readPerson);
}

Person parsePerson(std::string_view body) { return parseOne(body, "a person", readPerson); }

ServerVersion parseServerVersion(std::string_view body) {
    rapidjson::Document doc = parseDocument(body, "its version");
    ServerVersion v;
    std::int64_t* fields[] = {&v.major, &v.minor, &v.patch};
    const char* names[] = {"major", "minor", "patch"};
    for (int i = 0; i < 3; ++i) {
        const Value* f = member(doc, names[i]);
        if (!f || !f->IsInt64())
            throw unavailableError("Immich sent a version without major/minor/patch");
        *fields[i] = f->GetInt64();
    }
    return v;
}

std::optional<ErrorBody> parseErrorBody(std::string_view body) noexcept {
    try {
        rapidjson::Document doc;
        if (!parseBoundedJson<kParseFlags>(doc, body) || !doc.IsObject()) return std::nullopt;
        const Value* message = member(doc, "message");
        if (!message) return std::nullopt;
        ErrorBody e;
        if (message->IsString()) {
            e.message = std::string(message->GetString(), message->GetStringLength());
        } else if (message->IsArray()) {
            std::vector<std::string> parts;
            for (const Value& m : message->GetArray())
                if (m.IsString() && parts.size() < 20)
                    parts.emplace_back(m.GetString(), m.GetStringLength());
            e.message = join(parts, "; ");
        } else {
            return std::nullopt;
        }
        if (e.message.size() > 1000) {
            e.message.resize(1000);
            e.message += "...";
        }
        e.error = stringMember(doc, "error", 200).value_or("");
        e.correlationId = stringMember(doc, "correlationId", 200).value_or("");
        return e;
    } catch (...) {
        return std::nullopt;
    }
}

std::optional<std::int64_t> parseTimestampMicros(std::string_view s) noexcept {
    std::size_t p = 0;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!digits(s, p, 4, year) || p >= s.size() || s[p++] != '-' || !digits(s, p, 2, month) ||
        p >= s.size() || s[p++] != '-' || !digits(s, p, 2, day))
        return std::nullopt;
    if (p >= s.size() || (s[p] != 'T' && s[p] != 't' && s[p] != ' ')) return std::nullopt;
    ++p;
    if (!digits(s, p, 2, hour) || p >= s.size() || s[p++] != ':' || !digits(s, p, 2, minute))
        return std::nullopt;
    if (p < s.size() && s[p] == ':') {
        ++p;
        if (!digits(s, p, 2, second)) return std::nullopt;
    }
    std::int64_t micros = 0;
    if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
        ++p;
        int n = 0;
        std::int64_t scale = 100000;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
            if (n < 6) micros += (s[p] - '0') * scale;
            scale /= 10;
            ++n;
            ++p;
            if (n > 9) return std::nullopt;
        }
        if (n == 0) return std::nullopt;
    }
    std::int64_t offsetSeconds = 0;
    if (p < s.size()) {
        char c = s[p++];
        if (c == 'Z' || c == 'z') {
            // UTC
        } else if (c == '+' || c == '-') {
            int oh = 0, om = 0;
            if (!digits(s, p, 2, oh)) return std::nullopt;
            if (p < s.size() && s[p] == ':') ++p;
            if (p < s.size() && !digits(s, p, 2, om)) return std::nullopt;
            if (oh > 23 || om > 59) return std::nullopt;
            offsetSeconds = (c == '+' ? 1 : -1) * (oh * 3600 + om * 60);
        } else {
            return std::nullopt;
        }
    }
    if (p != s.size()) return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    std::int64_t days =
        daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
    return seconds * 1'000'000 + micros;
}

std::string formatTimestampMillis(std::int64_t micros) {
    auto floorDiv = [](std::int64_t a, std::int64_t b) { return a / b - (a % b < 0 ? 1 : 0); };
    const std::int64_t millis = floorDiv(micros, 1000);
    const std::int64_t days = floorDiv(millis, 86'400'000);
    const std::int64_t ofDay = millis - days * 86'400'000;
    // The civil date of a day count (H. Hinnant's algorithm, the inverse of daysFromCivil).
    const std::int64_t z = days + 719468;
    const std::int64_t era = floorDiv(z, 146097);
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned day = doy - (153 * mp + 2) / 5 + 1;
    const unsigned month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
    char text[64];
    std::snprintf(text, sizeof text, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                  static_cast<long long>(year), month, day,
                  static_cast<long long>(ofDay / 3'600'000),
                  static_cast<long long>(ofDay / 60'000 % 60),
                  static_cast<long long>(ofDay / 1000 % 60), static_cast<long long>(ofDay % 1000));
    return text;
}

}  // namespace pixsync::immich
