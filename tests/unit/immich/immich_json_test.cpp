#include "immich_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pixsync/error.hpp"

using namespace pixsync;
using namespace pixsync::immich;
using ::testing::HasSubstr;

namespace {

const char* kOwner = "11111111-1111-1111-1111-111111111111";

std::string item(const std::string& id, const std::string& type = "IMAGE",
                 const std::string& extra = "") {
    return R"({"id":")" + id + R"(","ownerId":")" + kOwner + R"(","type":")" + type +
           R"(","isTrashed":false,"checksum":"abc=","originalFileName":"IMG_1.HEIC",)"
           R"("originalMimeType":"image/heic","fileCreatedAt":"2024-05-01T10:00:00.000Z",)"
           R"("updatedAt":"2025-01-02T03:04:05.678Z")" +
           extra + "}";
}

std::string page(const std::vector<std::string>& items, const std::string& next = "null") {
    std::string joined;
    for (const auto& i : items) joined += (joined.empty() ? "" : ",") + i;
    return R"({"albums":{"total":0,"count":0,"items":[],"facets":[]},"assets":{"total":)" +
           std::to_string(items.size()) + R"(,"count":1,"items":[)" + joined +
           R"(],"facets":[],"nextPage":)" + next + "}}";
}

}  // namespace

TEST(ImmichJson, MapsAnAssetResponseToAnAsset) {
    auto p = parseSearchPage(page({item("aaaaaaaa-0000-0000-0000-000000000001", "IMAGE",
                                        R"(,"exifInfo":{"fileSizeInByte":12345})")}));
    ASSERT_EQ(p.assets.size(), 1u);
    const Asset& a = p.assets[0];
    EXPECT_EQ(a.id, "aaaaaaaa-0000-0000-0000-000000000001");
    EXPECT_EQ(a.owner, kOwner);
    EXPECT_EQ(a.kind, AssetKind::Image);
    EXPECT_EQ(a.checksum, "abc=");
    EXPECT_EQ(a.fileName, "IMG_1.HEIC");
    EXPECT_EQ(a.mimeType, "image/heic");
    EXPECT_EQ(a.takenAt, "2024-05-01T10:00:00.000Z");
    EXPECT_EQ(a.updatedAt, "2025-01-02T03:04:05.678Z");
    EXPECT_EQ(a.sizeBytes, 12345u);
    EXPECT_FALSE(p.nextPage);
    ASSERT_EQ(p.stamps.size(), 1u);
}

TEST(ImmichJson, NextPageIsAStringNumber) {
    auto p = parseSearchPage(page({}, "\"2\""));
    ASSERT_TRUE(p.nextPage);
    EXPECT_EQ(*p.nextPage, 2);
    EXPECT_THROW(parseSearchPage(page({}, "\"two\"")), Error);
    EXPECT_THROW(parseSearchPage(page({}, "\"0\"")), Error);
    EXPECT_THROW(parseSearchPage(page({}, "true")), Error);
}

TEST(ImmichJson, KeepsImagesAndVideosOnly) {
    auto p = parseSearchPage(page({item("aaaaaaaa-0000-0000-0000-000000000001", "VIDEO"),
                                   item("aaaaaaaa-0000-0000-0000-000000000002", "AUDIO"),
                                   item("aaaaaaaa-0000-0000-0000-000000000003", "OTHER")}));
    ASSERT_EQ(p.assets.size(), 1u);
    EXPECT_EQ(p.assets[0].kind, AssetKind::Video);
    EXPECT_EQ(p.otherTypes, 2u);
    EXPECT_EQ(p.stamps.size(), 3u);  // all count for the cursor
}

TEST(ImmichJson, SkipsTrashedItems) {
    std::string trashed = item("aaaaaaaa-0000-0000-0000-000000000001");
    trashed.replace(trashed.find("\"isTrashed\":false"), 17, "\"isTrashed\":true");
    auto p = parseSearchPage(page({trashed}));
    EXPECT_TRUE(p.assets.empty());
    EXPECT_EQ(p.trashed, 1u);
}

TEST(ImmichJson, DropsItemsWithInvalidIdsAndSaysWhy) {
    auto p = parseSearchPage(
        page({item("../../etc/passwd"), item("aaaaaaaa-0000-0000-0000-000000000002")}));
    ASSERT_EQ(p.assets.size(), 1u);
    ASSERT_EQ(p.problems.size(), 1u);
    EXPECT_THAT(p.problems[0], HasSubstr("no valid id"));
}

TEST(ImmichJson, DropsItemsWithWrongTypes) {
    auto p =
        parseSearchPage(page({R"({"id":5,"ownerId":[],"type":{},"updatedAt":7})", "42", "null"}));
    EXPECT_TRUE(p.assets.empty());
    EXPECT_EQ(p.problems.size(), 3u);
}

TEST(ImmichJson, RejectsAnswersOfTheWrongShape) {
    EXPECT_THROW(parseSearchPage("[]"), Error);
    EXPECT_THROW(parseSearchPage(R"({"assets":{"items":{}}})"), Error);
    EXPECT_THROW(parseSearchPage(R"({"assets":[]})"), Error);
    EXPECT_THROW(parseSearchPage("<html>"), Error);
    EXPECT_THROW(parseSearchPage(""), Error);
    try {
        parseSearchPage("{\"assets\": ");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
        EXPECT_THAT(e.what(), HasSubstr("not valid JSON"));
    }
}

TEST(ImmichJson, RejectsMorePagesItemsThanAsked) {
    ParseLimits limits;
    limits.maxItems = 2;
    std::vector<std::string> items(3, "{}");
    EXPECT_THROW(parseSearchPage(page(items), limits), Error);
}

TEST(ImmichJson, ParsesUsers) {
    auto me = parseUser(
        R"({"id":"11111111-1111-1111-1111-111111111111","email":"john@example.com","name":"John"})");
    EXPECT_EQ(me.email, "john@example.com");
    EXPECT_THROW(parseUser(R"({"id":"x","email":"john@example.com"})"), Error);
    auto users = parseUsers(
        R"([{"id":"11111111-1111-1111-1111-111111111111","email":"a@b.c"},{"id":1},"x"])");
    ASSERT_EQ(users.size(), 1u);
    EXPECT_THROW(parseUsers("{}"), Error);
}

TEST(ImmichJson, ParsesTheServerVersion) {
    EXPECT_EQ(parseServerVersion(R"({"major":2,"minor":3,"patch":1})").text(), "2.3.1");
    EXPECT_THROW(parseServerVersion(R"({"major":"2"})"), Error);
}

TEST(ImmichJson, ParsesErrorBodiesWithStringOrArrayMessages) {
    auto e = parseErrorBody(
        R"({"message":"Missing required permission: asset.read","error":"Forbidden","statusCode":403,"correlationId":"abc"})");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message, "Missing required permission: asset.read");
    EXPECT_EQ(e->correlationId, "abc");
    e = parseErrorBody(
        R"({"message":["size must not be greater than 1000","page must not be less than 1"]})");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message, "size must not be greater than 1000; page must not be less than 1");
    EXPECT_FALSE(parseErrorBody("<html>"));
    EXPECT_FALSE(parseErrorBody(R"({"message":5})"));
}

TEST(ImmichTimestamps, ParsesTheFormsImmichWrites) {
    auto base = parseTimestampMicros("2025-01-02T03:04:05Z");
    ASSERT_TRUE(base);
    EXPECT_EQ(*base, 1735787045LL * 1000000);
    EXPECT_EQ(parseTimestampMicros("2025-01-02T03:04:05.678Z"), *base + 678000);
    EXPECT_EQ(parseTimestampMicros("2025-01-02T03:04:05.678901Z"), *base + 678901);
    EXPECT_EQ(parseTimestampMicros("2025-01-02T03:04:05.678+00:00"), *base + 678000);
    EXPECT_EQ(parseTimestampMicros("2025-01-02T05:04:05.678+02:00"), *base + 678000);
    EXPECT_EQ(parseTimestampMicros("2025-01-02T01:04:05.678-0200"), *base + 678000);
    EXPECT_EQ(parseTimestampMicros("2025-01-02 03:04:05"), *base);
    EXPECT_EQ(parseTimestampMicros("2025-01-02T03:04:05.678901234Z"), *base + 678901);
    EXPECT_EQ(parseTimestampMicros("1970-01-01T00:00:00Z"), 0);
}

TEST(ImmichTimestamps, RejectsNonDates) {
    for (const char* bad :
         {"", "yesterday", "2025-13-01T00:00:00Z", "2025-01-02", "2025-01-02T03:04:05.Z",
          "2025-01-02T03:04:05Zjunk", "2025-01-02T25:00:00Z", "2025-01-02T03:04:05+99:00",
          "2025-01-02T03:04:05.1234567890Z"})
        EXPECT_FALSE(parseTimestampMicros(bad)) << bad;
}

TEST(ImmichTimestamps, WritesMillisecondsInUtcAsImmichDoes) {
    EXPECT_EQ(formatTimestampMillis(0), "1970-01-01T00:00:00.000Z");
    auto micros = parseTimestampMicros("2025-01-02T03:04:05.678901Z");
    ASSERT_TRUE(micros);
    EXPECT_EQ(formatTimestampMillis(*micros), "2025-01-02T03:04:05.678Z");
    EXPECT_EQ(formatTimestampMillis(*parseTimestampMicros("2024-02-29T23:59:59.999Z")),
              "2024-02-29T23:59:59.999Z");
    EXPECT_EQ(formatTimestampMillis(-1), "1969-12-31T23:59:59.999Z");  // rounds down
    EXPECT_EQ(formatTimestampMillis(*parseTimestampMicros("0001-01-01T00:00:00Z")),
              "0001-01-01T00:00:00.000Z");
}

TEST(ImmichJson, ParsesAlbumsTagsAndPeople) {
    auto albums = parseAlbums(
        R"([{"id":"A1000000-0000-4000-8000-000000000001","albumName":"Kitchen","ownerId":")" +
        std::string(kOwner) +
        R"(","assetCount":12},
            {"id":"not-a-uuid","albumName":"Broken"},
            {"id":"a2000000-0000-4000-8000-000000000002"},
            {"id":"a3000000-0000-4000-8000-000000000003","albumName":"","assetCount":-4}])");
    ASSERT_EQ(albums.size(), 2u);
    EXPECT_EQ(albums[0].id, "a1000000-0000-4000-8000-000000000001");  // lower case
    EXPECT_EQ(albums[0].name, "Kitchen");
    EXPECT_EQ(albums[0].ownerId, kOwner);
    EXPECT_EQ(albums[0].assetCount, 12);
    EXPECT_EQ(albums[1].assetCount, 0);
    EXPECT_EQ(parseAlbum(R"({"id":"a1000000-0000-4000-8000-000000000001","albumName":"K"})").name,
              "K");

    auto tags = parseTags(R"([{"id":"b1000000-0000-4000-8000-000000000001","name":"Kitchen",
                                "value":"Frames/Kitchen","parentId":"b2000000-0000-4000-8000-000000000002"},
                               {"id":"b3000000-0000-4000-8000-000000000003","value":"Hall"},
                               {"id":"b4000000-0000-4000-8000-000000000004","value":""}])");
    ASSERT_EQ(tags.size(), 2u);
    EXPECT_EQ(tags[0].value, "Frames/Kitchen");
    EXPECT_EQ(tags[0].name, "Kitchen");
    EXPECT_EQ(tags[1].name, "Hall");  // taken from the value when missing

    auto people = parsePeople(R"([{"id":"c1000000-0000-4000-8000-000000000001","name":"Ann",
                                    "isHidden":true},
                                   {"id":"c2000000-0000-4000-8000-000000000002","name":""},
                                   {"name":"No id"}])");
    ASSERT_EQ(people.size(), 2u);
    EXPECT_TRUE(people[0].hidden);
    EXPECT_EQ(people[1].name, "");
    EXPECT_EQ(parsePerson(R"({"id":"c1000000-0000-4000-8000-000000000001","name":"Ann"})").name,
              "Ann");
}

TEST(ImmichJson, RejectsLibraryAnswersOfTheWrongShape) {
    EXPECT_THROW(parseAlbums(R"({"albums":[]})"), Error);
    EXPECT_THROW(parseTags("[1,2,3]", 2), Error);  // more entries than allowed
    EXPECT_THROW(parseAlbum(R"({"albumName":"no id"})"), Error);
    EXPECT_THROW(parsePerson("[]"), Error);
    EXPECT_TRUE(parsePeople("[1, null, \"x\", []]").empty());
}
