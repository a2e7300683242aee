// What a route follows: an album, a tag or a person, a minimum rating, a date range, and
// favorites within those; how names are found and what the search asks Immich.

#include <set>

#include "immich_fixture.hpp"

using namespace pixsync;
using namespace pixsync::test;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

const std::string kKitchen = "a1000000-0000-4000-8000-000000000001";
const std::string kJanesKitchen = "a2000000-0000-4000-8000-000000000002";

using Names = std::set<std::string>;

Names namesOf(const Listing& l) {
    Names names;
    for (const auto& a : l.assets) names.insert(a.fileName);
    return names;
}

/// The bodies of the searches the fake logged since its counters were reset. Each must have
/// been accepted and hold only properties Immich knows (it drops others without a word).
rapidjson::Document searches(FakeImmich& immich) {
    auto log = parseJson(immich.admin("GET", "/requests"));
    rapidjson::Document bodies(rapidjson::kArrayType);
    for (const auto& r : log["requests"].GetArray()) {
        if (std::string(r["endpoint"].GetString()) != "POST /api/search/metadata") continue;
        EXPECT_EQ(r["status"].GetInt(), 200);
        EXPECT_EQ(r["unknownProperties"].Size(), 0u);
        bodies.PushBack(rapidjson::Value(r["body"], bodies.GetAllocator()), bodies.GetAllocator());
    }
    return bodies;
}

/// A field of the fake's record of the asset named `fileName`.
std::string assetField(FakeImmich& immich, const std::string& fileName, const char* field) {
    auto assets = parseJson(immich.admin("GET", "/assets"));
    for (const auto& a : assets.GetArray())
        if (fileName == a["originalFileName"].GetString()) return a[field].GetString();
    ADD_FAILURE() << "no asset " << fileName;
    return {};
}

/// A key with what listing needs and nothing to look albums, tags or people up with.
const char* kSearchOnlyKey =
    R"({"key": "john-key-search", "user": "john@example.com",
        "permissions": ["asset.read", "asset.download", "user.read"]})";

}  // namespace

TEST_F(ImmichTest, AlbumRouteFollowsTheAlbumGivenById) {
    start(manifest(
        R"([{"owner": "john@example.com", "originalFileName": "in.jpg", "isFavorite": false},
                       {"owner": "john@example.com", "originalFileName": "fav-in.jpg"},
                       {"owner": "john@example.com", "originalFileName": "out.jpg"}])",
        "[]",
        R"("albums": [{"id": ")" + kKitchen +
            R"(", "name": "Kitchen", "owner": "john@example.com",
                                   "assets": ["in.jpg", "fav-in.jpg"]}])"));
    auto o = options();
    o.set("album", kKitchen);
    auto source = makeSource(o);
    immich().resetCounters();
    Listing l = source->list("");
    EXPECT_TRUE(l.full);
    EXPECT_EQ(namesOf(l), (Names{"in.jpg", "fav-in.jpg"}));  // favorite or not
    EXPECT_TRUE(l.cursor.empty());
    EXPECT_EQ(requests("GET /api/albums"), 0);  // an id is used as it is
    EXPECT_EQ(requests("GET /api/albums/{id}"), 0);
    auto bodies = searches(immich());
    ASSERT_EQ(bodies.Size(), 1u);
    EXPECT_EQ(std::string(bodies[0]["albumIds"][0].GetString()), kKitchen);
    EXPECT_FALSE(bodies[0].HasMember("isFavorite"));
    EXPECT_FALSE(bodies[0].HasMember("updatedAfter"));
}

TEST_F(ImmichTest, AlbumRouteFindsAnAlbumByNameOwnOrSharedWithTheUser) {
    // Jane shares an album with John but is not his partner.
    start(manifest(R"([{"owner": "john@example.com", "originalFileName": "kitchen.jpg"},
                       {"owner": "john@example.com", "originalFileName": "johns-holiday.jpg"},
                       {"owner": "jane@example.com", "originalFileName": "janes-holiday.jpg"}])",
                   "[]",
                   R"("albums": [
                       {"name": "Kitchen", "owner": "john@example.com", "assets": ["kitchen.jpg"]},
                       {"name": "Holidays", "owner": "jane@example.com", "sharedWith": ["john@example.com"],
                        "assets": ["johns-holiday.jpg", "janes-holiday.jpg"]}])"));
    auto own = options();
    own.set("album", "kitchen");  // case aside, one album matches
    auto ownSource = makeSource(own);
    EXPECT_EQ(namesOf(ownSource->list("")), (Names{"kitchen.jpg"}));

    auto shared = options();
    shared.set("album", "Holidays");
    auto sharedSource = makeSource(shared);
    immich().resetCounters();
    Listing l = sharedSource->list("");
    // Immich's search returns only John's and his partners' assets: Jane's photo stays out.
    EXPECT_EQ(namesOf(l), (Names{"johns-holiday.jpg"}));
    EXPECT_EQ(requests("GET /api/albums"), 2);  // own albums, then shared ones
    EXPECT_THAT(logText(), HasSubstr("john@example.com's album \"Holidays\" is "));

    immich().resetCounters();
    sharedSource->list("");
    EXPECT_EQ(requests("GET /api/albums"), 0);  // looked up once
    searches(immich());
}

TEST_F(ImmichTest, AlbumNamesMatchingSeveralOrNoAlbumsAreExplained) {
    start(manifest(
        "[]", "[]",
        R"("albums": [
                       {"id": ")" +
            kKitchen +
            R"(", "name": "Kitchen", "owner": "john@example.com"},
                       {"id": ")" +
            kJanesKitchen +
            R"(", "name": "Kitchen", "owner": "jane@example.com", "sharedWith": ["john@example.com"]},
                       {"name": "Private", "owner": "jane@example.com"}])"));
    auto o = options();
    o.set("album", "Kitchen");
    Error several = errorFrom([&] { makeSource(o)->list(""); });
    EXPECT_EQ(several.kind(), ErrorKind::Unavailable);
    EXPECT_THAT(several.what(),
                HasSubstr("2 albums named \"Kitchen\" are visible to john@example.com"));
    EXPECT_THAT(several.what(), HasSubstr(kKitchen));
    EXPECT_THAT(several.what(), HasSubstr(kJanesKitchen));
    EXPECT_THAT(several.what(), HasSubstr("put the id of the one to follow in pixsync.json"));

    o.set("album", "Garden");
    auto source = makeSource(o);
    Error none = errorFrom([&] { source->list(""); });
    EXPECT_EQ(none.kind(), ErrorKind::Unavailable);
    EXPECT_THAT(none.what(), HasSubstr("no album named \"Garden\" among the albums "
                                       "john@example.com can see (\"Kitchen\")"));
    EXPECT_THAT(none.what(), HasSubstr("use the album's id"));
    EXPECT_THAT(none.what(), Not(HasSubstr("Private")));  // Jane's, not shared

    // A failed lookup is not remembered: once the album exists, the next listing finds it.
    immich().admin("POST", "/assets",
                   R"({"owner": "john@example.com", "originalFileName": "g.jpg"})");
    immich().admin("POST", "/albums",
                   R"({"name": "Garden", "owner": "john@example.com", "assets": ["g.jpg"]})");
    EXPECT_EQ(namesOf(source->list("")), (Names{"g.jpg"}));
}

TEST_F(ImmichTest, AnAlbumNameNeedsAlbumReadButAnIdDoesNot) {
    start(manifest(
        R"([{"owner": "john@example.com", "originalFileName": "k.jpg"}])", "[]",
        R"("albums": [{"id": ")" + kKitchen +
            R"(", "name": "Kitchen", "owner": "john@example.com", "assets": ["k.jpg"]}])"));
    immich().admin("POST", "/keys", kSearchOnlyKey);
    auto o = options("john-key-search");
    o.set("album", "Kitchen");
    Error e = errorFrom([&] { makeSource(o)->list(""); });
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_THAT(e.what(), HasSubstr("cannot look up the album \"Kitchen\""));
    EXPECT_THAT(e.what(), HasSubstr("the API key for john@example.com"));
    EXPECT_THAT(e.what(), HasSubstr("Missing required permission: album.read"));
    EXPECT_THAT(e.what(), HasSubstr("grant album.read to that key in Immich, or give the "
                                    "album's id instead"));

    o.set("album", kKitchen);
    EXPECT_EQ(namesOf(makeSource(o)->list("")), (Names{"k.jpg"}));
}

TEST_F(ImmichTest, TagRouteIncludesTheTagsBelowIt) {
    start(manifest(
        R"([{"owner": "john@example.com", "originalFileName": "kitchen.jpg", "isFavorite": false},
                       {"owner": "john@example.com", "originalFileName": "fridge.jpg", "isFavorite": false},
                       {"owner": "john@example.com", "originalFileName": "hall.jpg"},
                       {"owner": "john@example.com", "originalFileName": "untagged.jpg"}])",
        "[]",
        R"("tags": [
                       {"owner": "john@example.com", "value": "Frames/Kitchen", "assets": ["kitchen.jpg"]},
                       {"owner": "john@example.com", "value": "Frames/Kitchen/Fridge", "assets": ["fridge.jpg"]},
                       {"owner": "john@example.com", "value": "Frames/Hall", "assets": ["hall.jpg"]},
                       {"owner": "john@example.com", "value": "Rooms/Hall"}])"));
    auto o = options();
    o.set("tag", "Frames/Kitchen");
    immich().resetCounters();
    EXPECT_EQ(namesOf(makeSource(o)->list("")), (Names{"kitchen.jpg", "fridge.jpg"}));
    EXPECT_EQ(requests("GET /api/tags"), 1);
    auto bodies = searches(immich());
    ASSERT_EQ(bodies.Size(), 1u);
    EXPECT_EQ(bodies[0]["tagIds"].Size(), 1u);

    o.set("tag", "fridge");  // the last part alone, when no other tag ends that way
    EXPECT_EQ(namesOf(makeSource(o)->list("")), (Names{"fridge.jpg"}));

    o.set("tag", "Hall");
    Error e = errorFrom([&] { makeSource(o)->list(""); });
    EXPECT_THAT(e.what(), HasSubstr("2 of john@example.com's tags end in \"Hall\" "
                                    "(\"Frames/Hall\", \"Rooms/Hall\")"));
    EXPECT_THAT(e.what(), HasSubstr("write the whole tag"));
}

TEST_F(ImmichTest, PersonRouteFindsThePersonByName) {
    start(manifest(R"([{"owner": "john@example.com", "originalFileName": "ann1.jpg"},
                       {"owner": "john@example.com", "originalFileName": "ann2.jpg", "isFavorite": false},
                       {"owner": "john@example.com", "originalFileName": "annie.jpg"},
                       {"owner": "john@example.com", "originalFileName": "zoe.jpg"}])",
                   "[]",
                   R"("people": [
                       {"owner": "john@example.com", "name": "Ann", "assets": ["ann1.jpg", "ann2.jpg"]},
                       {"owner": "john@example.com", "name": "Annie", "assets": ["annie.jpg"]},
                       {"owner": "john@example.com", "name": "Zoë & Co", "isHidden": true, "assets": ["zoe.jpg"]}])"));
    auto o = options();
    o.set("person", "ann");  // Annie matches Immich's loose search, but not the name
    EXPECT_EQ(namesOf(makeSource(o)->list("")), (Names{"ann1.jpg", "ann2.jpg"}));

    o.set("person", "Zoë & Co");  // hidden people count; the name travels URL-encoded
    immich().resetCounters();
    EXPECT_EQ(namesOf(makeSource(o)->list("")), (Names{"zoe.jpg"}));
    auto log = parseJson(immich().admin("GET", "/requests"));
    std::string query;
    for (const auto& r : log["requests"].GetArray())
        if (std::string(r["endpoint"].GetString()) == "GET /api/search/person")
            query = r["query"].GetString();
    EXPECT_EQ(query, "name=Zo%C3%AB%20%26%20Co&withHidden=true");
    auto bodies = searches(immich());
    ASSERT_EQ(bodies.Size(), 1u);
    EXPECT_EQ(bodies[0]["personIds"].Size(), 1u);

    o.set("person", "Bob");
    Error e = errorFrom([&] { makeSource(o)->list(""); });
    EXPECT_THAT(e.what(), HasSubstr("no person named \"Bob\" among john@example.com's people"));
    EXPECT_THAT(e.what(), HasSubstr("or use the person's id"));
}

TEST_F(ImmichTest, MinRatingFollowsEachRatingUpToFive) {
    start(manifest(R"([{"owner": "john@example.com", "originalFileName": "three.jpg", "rating": 3},
                       {"owner": "john@example.com", "originalFileName": "four.jpg", "rating": 4},
                       {"owner": "john@example.com", "originalFileName": "five.jpg", "rating": 5},
                       {"owner": "john@example.com", "originalFileName": "unrated.jpg"},
                       {"owner": "john@example.com", "originalFileName": "five-plain.jpg", "rating": 5,
                        "isFavorite": false}])"));
    auto o = options();
    o.set("min_rating", std::int64_t{4});
    auto source = makeSource(o);
    immich().resetCounters();
    Listing first = source->list("");
    EXPECT_TRUE(first.full);
    EXPECT_EQ(namesOf(first), (Names{"four.jpg", "five.jpg"}));  // favorites by default
    auto bodies = searches(immich());
    ASSERT_EQ(bodies.Size(), 2u);  // Immich matches a rating exactly: one search per value
    EXPECT_EQ(bodies[0]["rating"].GetInt(), 4);
    EXPECT_EQ(bodies[1]["rating"].GetInt(), 5);
    EXPECT_TRUE(bodies[0]["isFavorite"].GetBool());

    // Rating a photo leaves its updatedAt alone; the next (full) listing still sees it.
    std::string stamp = assetField(immich(), "three.jpg", "updatedAt");
    immich().admin("POST", "/rating", R"({"id": "three.jpg", "rating": 5})");
    EXPECT_EQ(assetField(immich(), "three.jpg", "updatedAt"), stamp);
    Listing next = source->list(first.cursor);
    EXPECT_TRUE(next.full);
    EXPECT_EQ(namesOf(next), (Names{"three.jpg", "four.jpg", "five.jpg"}));
}

TEST_F(ImmichTest, TakenDatesAreInclusiveAndKeepFavoritesIncremental) {
    start(manifest(
        R"([{"owner": "john@example.com", "originalFileName": "before.jpg", "fileCreatedAt": "2023-12-31T23:59:59.999Z"},
            {"owner": "john@example.com", "originalFileName": "first.jpg", "fileCreatedAt": "2024-01-01T00:00:00.000Z"},
            {"owner": "john@example.com", "originalFileName": "last.jpg", "fileCreatedAt": "2024-01-31T23:59:59.999Z"},
            {"owner": "john@example.com", "originalFileName": "after.jpg", "fileCreatedAt": "2024-02-01T00:00:00.000Z"}])"));
    auto o = options();
    o.set("taken_after", "2024-01-01").set("taken_before", "2024-01-31");
    auto source = makeSource(o);
    immich().resetCounters();
    Listing first = source->list("");
    EXPECT_TRUE(first.full);
    EXPECT_EQ(namesOf(first), (Names{"first.jpg", "last.jpg"}));
    auto bodies = searches(immich());
    ASSERT_EQ(bodies.Size(), 1u);
    EXPECT_STREQ(bodies[0]["takenAfter"].GetString(), "2024-01-01T00:00:00.000Z");
    EXPECT_STREQ(bodies[0]["takenBefore"].GetString(), "2024-01-31T23:59:59.999Z");
    EXPECT_TRUE(bodies[0]["isFavorite"].GetBool());
    ASSERT_FALSE(first.cursor.empty());

    // Favorites within dates change updatedAt like any favorite: polls stay incremental.
    immich().resetCounters();
    Listing idle = source->list(first.cursor);
    EXPECT_FALSE(idle.full);
    EXPECT_TRUE(idle.assets.empty());
    EXPECT_EQ(idle.cursor, first.cursor);
    EXPECT_EQ(totalRequests(), 1);

    addAssets(
        R"({"owner": "john@example.com", "originalFileName": "mid.jpg", "fileCreatedAt": "2024-01-15T12:00:00Z"})");
    addAssets(
        R"({"owner": "john@example.com", "originalFileName": "late.jpg", "fileCreatedAt": "2024-03-01T12:00:00Z"})");
    Listing next = source->list(idle.cursor);
    EXPECT_FALSE(next.full);
    EXPECT_EQ(namesOf(next), (Names{"mid.jpg"}));
}

TEST_F(ImmichTest, FavoritesInAnAlbumAreTheUsersOwn) {
    start(manifest(R"([{"owner": "john@example.com", "originalFileName": "fav.jpg"},
                       {"owner": "john@example.com", "originalFileName": "plain.jpg", "isFavorite": false},
                       {"owner": "jane@example.com", "originalFileName": "janes-fav.jpg"}])",
                   R"([{"sharedBy": "jane@example.com", "sharedWith": "john@example.com"}])",
                   R"("albums": [{"name": "Kitchen", "owner": "john@example.com",
                                  "assets": ["fav.jpg", "plain.jpg", "janes-fav.jpg"]}])"));
    auto o = options();
    o.set("album", "Kitchen").set("favorites", true);
    immich().resetCounters();
    EXPECT_EQ(namesOf(makeSource(o)->list("")), (Names{"fav.jpg"}));
    EXPECT_TRUE(searches(immich())[0]["isFavorite"].GetBool());

    // Without favorites, whatever the search returns counts, a partner's photos included.
    o.set("favorites", false);
    EXPECT_EQ(namesOf(makeSource(o)->list("")), (Names{"fav.jpg", "plain.jpg", "janes-fav.jpg"}));
}

TEST_F(ImmichTest, AlbumRouteSeesMembershipChangesThatLeaveUpdatedAtAlone) {
    start(manifest(
        R"([{"owner": "john@example.com", "originalFileName": "a.jpg"},
                       {"owner": "john@example.com", "originalFileName": "b.jpg"}])",
        "[]",
        R"("albums": [{"id": ")" + kKitchen +
            R"(", "name": "Kitchen", "owner": "john@example.com", "assets": ["a.jpg"]}])"));
    auto o = options();
    o.set("album", kKitchen);
    auto source = makeSource(o);
    Listing first = source->list("");
    EXPECT_EQ(namesOf(first), (Names{"a.jpg"}));

    std::string stamp = assetField(immich(), "b.jpg", "updatedAt");
    immich().admin("POST", "/albums/" + kKitchen + "/assets", R"({"add": ["b.jpg"]})");
    EXPECT_EQ(assetField(immich(), "b.jpg", "updatedAt"), stamp);
    immich().resetCounters();
    Listing next = source->list(first.cursor);
    EXPECT_TRUE(next.full);
    EXPECT_EQ(namesOf(next), (Names{"a.jpg", "b.jpg"}));
    ASSERT_EQ(searches(immich()).Size(), 1u);
    EXPECT_FALSE(searches(immich())[0].HasMember("updatedAfter"));

    immich().admin("POST", "/albums/" + kKitchen + "/assets", R"({"remove": ["a.jpg"]})");
    EXPECT_EQ(namesOf(source->list(next.cursor)), (Names{"b.jpg"}));
}

TEST_F(ImmichTest, EveryOptionAtOnceKeepsToImmichsSearchProperties) {
    start(manifest(
        R"([{"owner": "john@example.com", "originalFileName": "all.jpg", "rating": 5,
                        "fileCreatedAt": "2024-05-01T10:00:00Z"},
                       {"owner": "john@example.com", "originalFileName": "unrated.jpg",
                        "fileCreatedAt": "2024-05-01T10:00:00Z"}])",
        "[]",
        R"("albums": [{"name": "Kitchen", "owner": "john@example.com", "assets": ["all.jpg", "unrated.jpg"]}],
                      "tags": [{"owner": "john@example.com", "value": "Frames", "assets": ["all.jpg", "unrated.jpg"]}],
                      "people": [{"owner": "john@example.com", "name": "Ann", "assets": ["all.jpg", "unrated.jpg"]}])"));
    auto o = options();
    o.set("album", "Kitchen")
        .set("tag", "Frames")
        .set("person", "Ann")
        .set("favorites", true)
        .set("min_rating", std::int64_t{3})
        .set("taken_after", "2024-05-01T00:00:00+02:00")
        .set("taken_before", "2024-12-31");
    immich().resetCounters();
    EXPECT_EQ(namesOf(makeSource(o)->list("")), (Names{"all.jpg"}));
    auto bodies = searches(immich());  // asserts every search was whole
    ASSERT_EQ(bodies.Size(), 3u);
    for (const auto& body : bodies.GetArray()) {
        for (const char* member : {"albumIds", "tagIds", "personIds", "rating", "takenAfter",
                                   "takenBefore", "isFavorite"})
            EXPECT_TRUE(body.HasMember(member)) << member;
        EXPECT_STREQ(body["takenAfter"].GetString(), "2024-04-30T22:00:00.000Z");
    }
}
