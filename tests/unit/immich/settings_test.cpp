#include "settings.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

using namespace pixsync;
using ::testing::HasSubstr;

namespace {

Options valid() {
    Options o;
    o.set("immich_base_url", "http://nas:2283/api/")
        .set("user", "john@example.com")
        .set("api_key", "k-123456");
    o.describe("cfg.json", KeyStyle::Json, ".");
    return o;
}

std::string configErrorOf(const Options& o) {
    try {
        immich::readSettings(o);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Config);
        return e.what();
    }
    ADD_FAILURE() << "no error";
    return {};
}

}  // namespace

TEST(ImmichSettings, ReadsDefaults) {
    auto s = immich::readSettings(valid());
    EXPECT_EQ(s.baseUrl, "http://nas:2283/api");
    EXPECT_EQ(s.pageSize, 1000);
    EXPECT_EQ(s.maxDownloadBytes, 200ull * 1024 * 1024);
    EXPECT_EQ(s.timeoutSeconds, 30);
    EXPECT_EQ(s.minDownloadBytesPerSecond, 32u * 1024);
    EXPECT_TRUE(s.previewFallback);
    EXPECT_FALSE(s.insecureTls);
    EXPECT_TRUE(s.adminKey.empty());
}

TEST(ImmichSettings, AcceptsStringValuesFromEnvFiles) {
    auto o = valid();
    o.set("immich_page_size", "250")
        .set("immich_insecure_tls", "true")
        .set("immich_timeout_seconds", "5")
        .set("immich_preview_fallback", "no")
        .set("immich_max_download_mb", "15")
        .set("immich_min_download_kb_per_second", "8");
    auto s = immich::readSettings(o);
    EXPECT_EQ(s.minDownloadBytesPerSecond, 8u * 1024);
    EXPECT_EQ(s.pageSize, 250);
    EXPECT_TRUE(s.insecureTls);
    EXPECT_EQ(s.timeoutSeconds, 5);
    EXPECT_FALSE(s.previewFallback);
    EXPECT_EQ(s.maxDownloadBytes, 15ull * 1024 * 1024);
}

TEST(ImmichSettings, BaseUrlMustEndWithApi) {
    auto o = valid();
    o.set("immich_base_url", "http://nas:2283");
    EXPECT_THAT(configErrorOf(o), HasSubstr("must end with /api"));
    o.set("immich_base_url", "nas:2283/api");
    EXPECT_THAT(configErrorOf(o), HasSubstr("http://"));
}

TEST(ImmichSettings, RequiresUserAndKey) {
    Options o;
    o.set("immich_base_url", "http://nas:2283/api").set("api_key", "k-123456");
    EXPECT_THAT(configErrorOf(o), HasSubstr("user"));
    o.set("user", "not-an-email");
    EXPECT_THAT(configErrorOf(o), HasSubstr("e-mail"));
    Options noKey;
    noKey.set("immich_base_url", "http://nas:2283/api").set("user", "john@example.com");
    EXPECT_THAT(configErrorOf(noKey), HasSubstr("api_key"));
}

TEST(ImmichSettings, PageSizeMustBeWithinImmichsLimits) {
    auto o = valid();
    o.set("immich_page_size", std::int64_t{1001});
    EXPECT_THAT(configErrorOf(o), HasSubstr("immich_page_size"));
    o.set("immich_page_size", std::int64_t{0});
    EXPECT_THAT(configErrorOf(o), HasSubstr("immich_page_size"));
}

TEST(ImmichSettings, MinimumDownloadSpeedMustBePositive) {
    auto o = valid();
    o.set("immich_min_download_kb_per_second", std::int64_t{0});
    EXPECT_THAT(configErrorOf(o), HasSubstr("immich_min_download_kb_per_second"));
}

TEST(ImmichSettings, CaFileMustExist) {
    auto o = valid();
    o.set("immich_ca_file", "/nonexistent/ca.pem");
    EXPECT_THAT(configErrorOf(o), HasSubstr("immich_ca_file"));
}

// What a route follows: album, tag, person, favorites, min_rating, taken_after, taken_before.

namespace {

immich::Selection selectionOf(const Options& o) { return immich::readSettings(o).selection; }

Options valid(const std::string& moreJson) {
    Options o =
        Options::parse(R"({"immich_base_url": "http://nas:2283/api", "user": "john@example.com",
                                   "api_key": "k-123456", )" +
                           moreJson + "}",
                       "cfg.json");
    return o;
}

}  // namespace

TEST(ImmichSelection, FollowsTheUsersFavoritesByDefault) {
    auto s = selectionOf(valid());
    EXPECT_TRUE(s.favorites);
    EXPECT_TRUE(s.isDefault());
    EXPECT_FALSE(s.listsInFull());
    EXPECT_EQ(s.ratingsToSearch(), std::vector<int>{0});
    EXPECT_EQ(s.describe(), "favorites");
}

TEST(ImmichSelection, AnAlbumTagOrPersonMeansEveryAssetUnlessFavoritesIsSet) {
    for (const char* key : {"album", "tag", "person"}) {
        auto o = valid();
        o.set(key, " Kitchen ");
        auto s = selectionOf(o);
        EXPECT_FALSE(s.favorites) << key;
        EXPECT_TRUE(s.listsInFull()) << key;
        o.set("favorites", true);
        EXPECT_TRUE(selectionOf(o).favorites) << key;
    }
    auto o = valid();
    o.set("album", " Kitchen ");
    auto s = selectionOf(o);
    ASSERT_TRUE(s.album);
    EXPECT_EQ(s.album->text, "Kitchen");
    EXPECT_FALSE(s.album->isId);
    EXPECT_EQ(s.album->where, "cfg.json: album");
    EXPECT_EQ(s.describe(), "assets in album \"Kitchen\"");
}

TEST(ImmichSelection, AUuidIsAnId) {
    auto o = valid();
    o.set("person", "C1000000-ABCD-4000-8000-00000000000F");
    auto s = selectionOf(o);
    ASSERT_TRUE(s.person);
    EXPECT_TRUE(s.person->isId);
    EXPECT_EQ(s.person->text, "c1000000-abcd-4000-8000-00000000000f");
}

TEST(ImmichSelection, EmptyNamesAreRefused) {
    for (const char* key : {"album", "tag", "person"})
        for (const char* value : {"", "   "}) {
            auto o = valid();
            o.set(key, value);
            EXPECT_THAT(configErrorOf(o), HasSubstr(cat("cfg.json: ", key, " is empty: give ")));
        }
    auto o = valid();
    o.set("tag", "");
    EXPECT_THAT(configErrorOf(o), HasSubstr("leave tag out"));
}

TEST(ImmichSelection, MinRatingIsAWholeNumberFromOneToFive) {
    auto o = valid();
    o.set("min_rating", "4");
    auto s = selectionOf(o);
    EXPECT_EQ(s.minRating, 4);
    EXPECT_EQ(s.ratingsToSearch(), (std::vector<int>{4, 5}));
    EXPECT_TRUE(s.listsInFull());
    for (std::int64_t bad : {0, 6, -1}) {
        o.set("min_rating", bad);
        EXPECT_THAT(configErrorOf(o), HasSubstr("min_rating is " + std::to_string(bad) +
                                                "; it must be between 1 and 5"));
    }
    o.set("min_rating", "four");
    EXPECT_THAT(configErrorOf(o), HasSubstr("min_rating must be a whole number"));
    EXPECT_THAT(configErrorOf(valid(R"("min_rating": 4.5)")),
                HasSubstr("min_rating must be a whole number"));
}

TEST(ImmichSelection, BareDatesCoverTheWholeDayInUtc) {
    auto o = valid();
    o.set("taken_after", "2024-01-01").set("taken_before", "2024-02-29");
    auto s = selectionOf(o);
    EXPECT_EQ(s.takenAfter, "2024-01-01T00:00:00.000Z");
    EXPECT_EQ(s.takenBefore, "2024-02-29T23:59:59.999Z");
    EXPECT_FALSE(s.listsInFull());  // favorites with dates stay incremental
    EXPECT_EQ(s.describe(),
              "favorites taken from 2024-01-01T00:00:00.000Z to 2024-02-29T23:59:59.999Z");
    o.set("taken_after", "2024-06-30T18:00:00+02:00").set("taken_before", "2024-06-30T18:00Z");
    s = selectionOf(o);
    EXPECT_EQ(s.takenAfter, "2024-06-30T16:00:00.000Z");
    EXPECT_EQ(s.takenBefore, "2024-06-30T18:00:00.000Z");
    // One day is a valid range.
    o.set("taken_after", "1969-12-31").set("taken_before", "1969-12-31");
    s = selectionOf(o);
    EXPECT_EQ(s.takenAfter, "1969-12-31T00:00:00.000Z");
    EXPECT_EQ(s.takenBefore, "1969-12-31T23:59:59.999Z");
}

TEST(ImmichSelection, DatesThatAreNotDatesAreRefused) {
    for (const char* bad : {"2024-13-01", "2023-02-29", "2024-04-31", "yesterday", "2024-6-1",
                            "2024-06-01Z", "2024-06-01T25:00:00Z", "", "01/06/2024"}) {
        auto o = valid();
        o.set("taken_before", bad);
        EXPECT_THAT(configErrorOf(o), HasSubstr("cfg.json: taken_before: \"")) << bad;
        EXPECT_THAT(configErrorOf(o), HasSubstr("is not a date; write a date such as 2024-06-30"))
            << bad;
    }
    EXPECT_THAT(configErrorOf(valid(R"("taken_after": 20240101)")),
                HasSubstr("taken_after must be a string"));
}

TEST(ImmichSelection, AReversedDateRangeIsRefused) {
    auto o = valid();
    o.set("taken_after", "2024-02-01").set("taken_before", "2024-01-31");
    EXPECT_THAT(configErrorOf(o),
                HasSubstr("cfg.json: taken_after (2024-02-01) is later than cfg.json: taken_before "
                          "(2024-01-31): no photo can have been taken in between; swap the two "
                          "dates"));
}

TEST(ImmichSelection, SearchBodyCarriesWhatTheRouteFollows) {
    auto o = valid();
    o.set("album", "Kitchen").set("favorites", true).set("taken_after", "2024-01-01");
    auto s = selectionOf(o);
    immich::SelectionIds ids{"a1000000-0000-4000-8000-000000000001", "", ""};
    EXPECT_EQ(immich::searchBody(s, ids, 5, 2, 1000),
              R"({"isFavorite":true,"albumIds":["a1000000-0000-4000-8000-000000000001"],)"
              R"("rating":5,"takenAfter":"2024-01-01T00:00:00.000Z","withDeleted":false,)"
              R"("order":"asc","page":2,"size":1000})");
    EXPECT_EQ(immich::searchBody(selectionOf(valid()), {}, 0, 1, 250, "2025-01-02T03:04:05.678Z"),
              R"({"isFavorite":true,"withDeleted":false,"order":"asc","page":1,"size":250,)"
              R"("updatedAfter":"2025-01-02T03:04:05.678Z"})");
}
