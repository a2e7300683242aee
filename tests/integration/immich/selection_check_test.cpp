// `pixsync check` lines for what a route follows: the album, tag and person it names, and the
// permission a key needs to look them up.

#include "immich_fixture.hpp"

using namespace pixsync;
using namespace pixsync::test;
using ::testing::HasSubstr;
using Status = CheckResult::Status;

namespace {

const std::string kKitchen = "a1000000-0000-4000-8000-000000000001";
const std::string kFrames = "b1000000-0000-4000-8000-000000000001";
const std::string kAnn = "c1000000-0000-4000-8000-000000000001";

/// Each check line about a route's reference, with the permission looking it up needs.
const std::pair<const char*, const char*> kLookups[] = {
    {": album", "album.read"}, {": tag", "tag.read"}, {": person", "person.read"}};

}  // namespace

class ImmichSelectionCheckTest : public ImmichTest {
  protected:
    void SetUp() override {
        start(manifest(
            R"([{"owner": "john@example.com", "originalFileName": "k.jpg", "rating": 4},
                           {"owner": "john@example.com", "originalFileName": "other.jpg"}])",
            "[]",
            R"("albums": [{"id": ")" + kKitchen +
                R"(", "name": "Kitchen", "owner": "john@example.com",
                                       "assets": ["k.jpg", "other.jpg"]}],
                          "tags": [{"id": ")" +
                kFrames +
                R"(", "owner": "john@example.com", "value": "Frames/Kitchen", "assets": ["k.jpg"]}],
                          "people": [{"id": ")" +
                kAnn + R"(", "owner": "john@example.com", "name": "Ann", "assets": ["k.jpg"]}])"));
        immich().admin("POST", "/keys", R"({"key": "john-key-search", "user": "john@example.com",
                                            "permissions": ["asset.read", "asset.download", "user.read"]})");
    }

    CheckReport check(const Options& o) {
        CheckReport report;
        makeSource(o)->check(report);
        return report;
    }
};

TEST_F(ImmichSelectionCheckTest, NamesTheAlbumTagAndPersonARouteFollows) {
    auto o = options();
    o.set("album", "Kitchen")
        .set("tag", "Frames/Kitchen")
        .set("person", "ann")
        .set("min_rating", std::int64_t{4});
    CheckReport report = check(o);
    EXPECT_TRUE(report.ok());
    const CheckResult* route = checkLine(report, ": route");
    ASSERT_TRUE(route);
    EXPECT_THAT(route->detail, HasSubstr("follows assets in album \"Kitchen\" tagged "
                                         "\"Frames/Kitchen\" showing \"ann\" rated 4 or more"));
    EXPECT_THAT(route->detail, HasSubstr("listed in full at every poll"));
    const CheckResult* album = checkLine(report, ": album");
    ASSERT_TRUE(album);
    EXPECT_EQ(album->status, Status::Passed);
    EXPECT_EQ(album->detail, "\"Kitchen\" (id " + kKitchen + "), 2 assets");
    EXPECT_EQ(requireCheckLine(report, ": tag").detail,
              "\"Frames/Kitchen\" (id " + kFrames + "), tags below it included");
    EXPECT_EQ(requireCheckLine(report, ": person").detail, "\"Ann\" (id " + kAnn + ")");
    // The route's own search proves asset.read, and its asset asset.download.
    EXPECT_THAT(requireCheckLine(report, "asset.read").detail,
                HasSubstr("granted: assets in album"));
    EXPECT_EQ(requireCheckLine(report, "asset.download").status, Status::Passed);
}

TEST_F(ImmichSelectionCheckTest, FailsForANameTheKeyMayNotLookUp) {
    auto o = options("john-key-search");
    o.set("album", "Kitchen").set("tag", "Frames/Kitchen").set("person", "Ann");
    CheckReport report = check(o);
    EXPECT_FALSE(report.ok());
    for (auto [subject, permission] : kLookups) {
        const CheckResult* line = checkLine(report, subject);
        ASSERT_TRUE(line) << subject;
        EXPECT_EQ(line->status, Status::Failed) << subject;
        EXPECT_THAT(line->detail, HasSubstr(cat("Missing required permission: ", permission)));
        EXPECT_THAT(line->fix,
                    HasSubstr(cat("grant ", permission, " to the API key for john@example.com")));
    }
    // Listing still works with the key: the search line falls back to favorites.
    EXPECT_EQ(requireCheckLine(report, "asset.read").status, Status::Passed);
}

TEST_F(ImmichSelectionCheckTest, OnlyNoticesAnIdTheKeyMayNotConfirm) {
    auto o = options("john-key-search");
    o.set("album", kKitchen).set("tag", kFrames).set("person", kAnn);
    CheckReport report = check(o);
    EXPECT_TRUE(report.ok());
    for (auto [subject, permission] : kLookups) {
        const CheckResult* line = checkLine(report, subject);
        ASSERT_TRUE(line) << subject;
        EXPECT_EQ(line->status, Status::Notice) << subject;
        EXPECT_THAT(line->detail,
                    HasSubstr(cat("lacks ", permission, ", which listing does not need")));
    }
    EXPECT_THAT(requireCheckLine(report, "asset.read").detail,
                HasSubstr("granted: assets in album"));
}

TEST_F(ImmichSelectionCheckTest, FailsForIdsImmichDoesNotKnow) {
    auto o = options();
    o.set("album", "a9999999-0000-4000-8000-000000000009")
        .set("tag", "b9999999-0000-4000-8000-000000000009")
        .set("person", "c9999999-0000-4000-8000-000000000009");
    CheckReport report = check(o);
    EXPECT_FALSE(report.ok());
    const CheckResult* album = checkLine(report, ": album");
    EXPECT_EQ(album->status, Status::Failed);
    EXPECT_THAT(album->detail, HasSubstr("no album with the id a9999999"));
    EXPECT_THAT(album->detail, HasSubstr("Not found or no album.read access"));
    EXPECT_THAT(album->fix, HasSubstr("check pixsync.json"));
    EXPECT_THAT(requireCheckLine(report, ": tag").detail, HasSubstr("no tag with the id b9999999"));
    EXPECT_THAT(requireCheckLine(report, ": person").detail,
                HasSubstr("Not found or no person.read access"));
}

TEST_F(ImmichSelectionCheckTest, AddsNoLinesForAPlainFavoritesRoute) {
    CheckReport report = check(options());
    EXPECT_TRUE(report.ok());
    EXPECT_FALSE(checkLine(report, ": route"));
    EXPECT_FALSE(checkLine(report, ": album"));
    EXPECT_THAT(requireCheckLine(report, "asset.read").detail,
                HasSubstr("granted: favorites can be listed"));
}
