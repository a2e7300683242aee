// Listing favorites: paging, partners, incremental polls, unfavorites, the request body.

#include <set>
#include <thread>

#include "immich_fixture.hpp"
#include "pixsync/version.hpp"

using namespace pixsync;
using namespace pixsync::test;
using ::testing::HasSubstr;

namespace {

std::set<std::string> idsOf(const Listing& l) {
    std::set<std::string> ids;
    for (const auto& a : l.assets) ids.insert(a.id);
    return ids;
}

}  // namespace

TEST_F(ImmichTest, PagesThroughAllFavorites) {
    start(manifest(R"([{"owner": "john@example.com", "count": 2500, "size": 2048},
                       {"owner": "john@example.com", "count": 7, "isFavorite": false}])"));
    auto source = makeSource(options());
    immich().resetCounters();
    Listing l = source->list("");
    EXPECT_TRUE(l.full);
    EXPECT_EQ(l.assets.size(), 2500u);
    EXPECT_EQ(idsOf(l).size(), 2500u);
    EXPECT_EQ(requests("POST /api/search/metadata"), 3);  // 1000 + 1000 + 500
    for (const auto& a : l.assets) {
        EXPECT_EQ(a.owner, kJohn);
        EXPECT_EQ(a.kind, AssetKind::Image);
        EXPECT_FALSE(a.checksum.empty());
    }
    EXPECT_FALSE(l.cursor.empty());
}

TEST_F(ImmichTest, PartnersFavoritesAreNeverReturned) {
    start(manifest(R"([{"owner": "john@example.com", "count": 3},
                       {"owner": "jane@example.com", "count": 5}])",
                   R"([{"sharedBy": "jane@example.com", "sharedWith": "john@example.com"}])"));
    auto source = makeSource(options());
    immich().resetCounters();
    Listing l = source->list("");
    EXPECT_EQ(l.assets.size(), 3u);
    for (const auto& a : l.assets) EXPECT_EQ(a.owner, kJohn);
    // The server did hand out Jane's favorites in John's search.
    auto log = parseJson(immich().admin("GET", "/requests"));
    int itemsServed = 0;
    for (const auto& r : log["requests"].GetArray())
        if (r.HasMember("items")) itemsServed += r["items"].GetInt();
    EXPECT_EQ(itemsServed, 8);
}

TEST_F(ImmichTest, IncrementalPollReturnsExactlyTheNewFavorite) {
    start(manifest(R"([{"owner": "john@example.com", "count": 20}])"));
    auto source = makeSource(options());
    Listing first = source->list("");
    ASSERT_EQ(first.assets.size(), 20u);

    auto added = addAssets(R"({"owner": "john@example.com", "originalFileName": "new.jpg"})");
    immich().resetCounters();
    Listing next = source->list(first.cursor);
    EXPECT_FALSE(next.full);
    ASSERT_EQ(next.assets.size(), 1u);
    EXPECT_EQ(next.assets[0].id, added[0]);
    EXPECT_EQ(next.assets[0].fileName, "new.jpg");
    EXPECT_NE(next.cursor, first.cursor);
    EXPECT_EQ(totalRequests(), 1);
}

TEST_F(ImmichTest, IdleIncrementalPollIsOneRequestAndKeepsTheCursor) {
    start(manifest(R"([{"owner": "john@example.com", "count": 5}])"));
    auto source = makeSource(options());
    Listing first = source->list("");
    immich().resetCounters();
    Listing idle = source->list(first.cursor);
    EXPECT_TRUE(idle.assets.empty());
    EXPECT_EQ(idle.cursor, first.cursor);
    EXPECT_EQ(totalRequests(), 1);
    EXPECT_EQ(requests("POST /api/search/metadata"), 1);
}

// A `pixsync once` is a new process each time: its source knows only the stored cursor.
TEST_F(ImmichTest, AnIdlePollOfANewProcessIsOneRequest) {
    start(manifest(R"([{"owner": "john@example.com", "count": 5}])"));
    Listing first = makeSource(options())->list("");
    ASSERT_EQ(first.assets.size(), 5u);
    immich().resetCounters();
    Listing idle = makeSource(options())->list(first.cursor);
    EXPECT_TRUE(idle.assets.empty());
    EXPECT_EQ(idle.cursor, first.cursor);
    EXPECT_EQ(totalRequests(), 1);
    EXPECT_EQ(requests("POST /api/search/metadata"), 1);

    // The periodic full listing asks again whose library the key opens.
    immich().resetCounters();
    makeSource(options())->list("");
    EXPECT_EQ(requests("GET /api/users/me"), 1);
}

TEST_F(ImmichTest, AChangedKeyIsAskedWhoseItIsBeforeAnIncrementalListing) {
    start(manifest(R"([{"owner": "john@example.com", "count": 2},
                       {"owner": "jane@example.com", "count": 3}])"));
    Listing first = makeSource(options())->list("");
    ASSERT_EQ(first.assets.size(), 2u);
    // John's route now has Jane's key: refused, not listed with John's remembered identity.
    Error e = errorFrom([&] { makeSource(options("jane-key-all"))->list(first.cursor); });
    EXPECT_THAT(e.what(), ::testing::HasSubstr("belongs to the Immich user jane@example.com"));
}

TEST_F(ImmichTest, RefavoritingAnOldPhotoShowsUpIncrementally) {
    start(manifest(R"([{"owner": "john@example.com", "count": 4}])"));
    auto source = makeSource(options());
    Listing first = source->list("");
    std::string id = first.assets[0].id;
    setFavorite(id, false);
    setFavorite(id, true);
    Listing next = source->list(first.cursor);
    ASSERT_EQ(next.assets.size(), 1u);
    EXPECT_EQ(next.assets[0].id, id);
}

TEST_F(ImmichTest, UnfavoritedAssetsDisappearFromAFullListing) {
    start(manifest(R"([{"owner": "john@example.com", "count": 6}])"));
    auto source = makeSource(options());
    Listing before = source->list("");
    ASSERT_EQ(before.assets.size(), 6u);
    setFavorite(before.assets[2].id, false);
    Listing after = source->list("");
    EXPECT_EQ(after.assets.size(), 5u);
    EXPECT_FALSE(idsOf(after).contains(before.assets[2].id));
}

TEST_F(ImmichTest, TrashedArchivedAndOtherTypesAreLeftOut) {
    start(manifest(R"([{"owner": "john@example.com", "count": 2},
                       {"owner": "john@example.com", "isTrashed": true},
                       {"owner": "john@example.com", "visibility": "archive"},
                       {"owner": "john@example.com", "type": "AUDIO", "originalFileName": "a.mp3"},
                       {"owner": "john@example.com", "originalFileName": "clip.mp4"}])"));
    auto source = makeSource(options());
    Listing l = source->list("");
    ASSERT_EQ(l.assets.size(), 3u);
    int videos = 0;
    for (const auto& a : l.assets) videos += a.kind == AssetKind::Video;
    EXPECT_EQ(videos, 1);
}

TEST_F(ImmichTest, EveryRequestNamesPixsyncAndItsVersion) {
    start(manifest(R"([{"owner": "john@example.com", "count": 2}])"));
    auto source = makeSource(options());
    Listing l = source->list("");
    ASSERT_EQ(l.assets.size(), 2u);
    source->fetch(l.assets[0]);
    auto log = parseJson(immich().admin("GET", "/requests"));
    int requests = 0;
    for (const auto& r : log["requests"].GetArray()) {
        ++requests;
        ASSERT_TRUE(r["userAgent"].IsString()) << r["endpoint"].GetString();
        EXPECT_EQ(std::string(r["userAgent"].GetString()), std::string("pixsync/") + kVersion);
    }
    EXPECT_GE(requests, 3) << "the user lookup, the search and the download";
}

TEST_F(ImmichTest, SendsOnlyPropertiesImmichKnows) {
    start(manifest(R"([{"owner": "john@example.com", "count": 3}])"));
    auto source = makeSource(options());
    Listing first = source->list("");
    source->list(first.cursor);
    auto log = parseJson(immich().admin("GET", "/requests"));
    int searches = 0;
    for (const auto& r : log["requests"].GetArray()) {
        if (std::string(r["endpoint"].GetString()) != "POST /api/search/metadata") continue;
        ++searches;
        EXPECT_EQ(r["status"].GetInt(), 200);
        EXPECT_EQ(r["unknownProperties"].Size(), 0u);
        const auto& body = r["body"];
        EXPECT_TRUE(body["isFavorite"].GetBool());
        EXPECT_FALSE(body["withDeleted"].GetBool());
        EXPECT_EQ(body["size"].GetInt(), 1000);
        EXPECT_FALSE(body.HasMember("type"));
    }
    EXPECT_EQ(searches, 2);
}

TEST_F(ImmichTest, AsksForGzipAndReusesOneConnection) {
    start(manifest(R"([{"owner": "john@example.com", "count": 1500}])"));
    auto source = makeSource(options());
    source->list("");
    auto log = parseJson(immich().admin("GET", "/requests"));
    std::set<int> connections;
    for (const auto& r : log["requests"].GetArray()) {
        connections.insert(r["connection"].GetInt());
        if (std::string(r["endpoint"].GetString()) == "POST /api/search/metadata") {
            EXPECT_TRUE(r["gzip"].GetBool());
        }
    }
    EXPECT_EQ(connections.size(), 1u);  // /users/me and both pages on one kept-alive connection
}

TEST_F(ImmichTest, SurvivesTheServerClosingAnIdleConnection) {
    start(manifest(R"([{"owner": "john@example.com", "count": 2}])"),
          {"--keep-alive-seconds", "1"});
    auto source = makeSource(options());
    Listing first = source->list("");
    std::this_thread::sleep_for(std::chrono::milliseconds(1600));  // the server closes it
    Listing again = source->list(first.cursor);
    EXPECT_TRUE(again.assets.empty());
    // The second listing really went over a new connection: the first one was gone.
    auto log = parseJson(immich().admin("GET", "/requests"));
    std::set<int> connections;
    for (const auto& r : log["requests"].GetArray()) connections.insert(r["connection"].GetInt());
    EXPECT_EQ(connections.size(), 2u);
}

TEST_F(ImmichTest, AcceptsOtherDateForms) {
    start(manifest(R"([{"owner": "john@example.com", "count": 3}])"));
    immich().admin("POST", "/config", R"({"dateStyle": "offset"})");
    auto source = makeSource(options());
    Listing first = source->list("");
    ASSERT_EQ(first.assets.size(), 3u);
    EXPECT_THAT(first.cursor, HasSubstr("+00:00"));
    immich().admin("POST", "/config", R"({"dateStyle": "micros"})");
    auto added = addAssets(R"({"owner": "john@example.com"})");
    Listing next = source->list(first.cursor);
    ASSERT_EQ(next.assets.size(), 1u);
    EXPECT_EQ(next.assets[0].id, added[0]);
}

TEST_F(ImmichTest, AnUnreadableCursorFallsBackToAFullListing) {
    start(manifest(R"([{"owner": "john@example.com", "count": 2}])"));
    auto source = makeSource(options());
    Listing l = source->list("not a cursor");
    EXPECT_TRUE(l.full);
    EXPECT_EQ(l.assets.size(), 2u);
    EXPECT_THAT(logText(), HasSubstr("listing all favorites instead"));
}

TEST_F(ImmichTest, UsesTheAdminKeyWhenTheUserKeyMayNotReadUsers) {
    start(manifest(R"([{"owner": "john@example.com", "count": 2},
                       {"owner": "jane@example.com", "count": 2}])",
                   R"([{"sharedBy": "jane@example.com", "sharedWith": "john@example.com"}])"));
    auto o = options("john-key-nouser");
    o.set("immich_api_key", "admin-key-users");
    auto source = makeSource(o);
    Listing l = source->list("");
    EXPECT_EQ(l.assets.size(), 2u);
    EXPECT_EQ(requests("GET /api/users"), 1);
}
