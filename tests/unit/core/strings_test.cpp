#include "pixsync/util/strings.hpp"

#include <gtest/gtest.h>

using namespace pixsync;

TEST(Strings, RecognisesEmailAddresses) {
    EXPECT_TRUE(isEmailAddress("john-frame@mypixstar.com"));
    EXPECT_TRUE(isEmailAddress("a.b+c@example.co.uk"));
    EXPECT_FALSE(isEmailAddress("john-frame"));
    EXPECT_FALSE(isEmailAddress("@mypixstar.com"));
    EXPECT_FALSE(isEmailAddress("a@b"));
    EXPECT_FALSE(isEmailAddress("a@@b.com"));
    EXPECT_FALSE(isEmailAddress("a b@c.com"));
    EXPECT_FALSE(isEmailAddress("a@c.com\r\nBcc: x@y.com"));
    EXPECT_FALSE(isEmailAddress("<a@c.com>"));
}

TEST(Strings, RecognisesUuids) {
    EXPECT_TRUE(isUuid("3fa85f64-5717-4562-b3fc-2c963f66afa6"));
    EXPECT_FALSE(isUuid("3fa85f64-5717-4562-b3fc-2c963f66afa"));
    EXPECT_FALSE(isUuid("../../../etc/passwd-0000-0000-000000000"));
    EXPECT_FALSE(isUuid("3fa85f64x5717-4562-b3fc-2c963f66afa6"));
}

TEST(Strings, TrimSplitJoin) {
    EXPECT_EQ(trim("  a b \n"), "a b");
    EXPECT_EQ(split("a::b", ':'), (std::vector<std::string>{"a", "", "b"}));
    EXPECT_EQ(join({"x", "y"}, ", "), "x, y");
    EXPECT_EQ(humanBytes(1536), "1.5 KB");
}

TEST(Strings, EscapeControlShowsControlCharactersVisibly) {
    EXPECT_EQ(escapeControl("IMG\r\nBcc: x@y.com\x1b[31m.jpg"),
              "IMG\\r\\nBcc: x@y.com\\x1b[31m.jpg");
    EXPECT_EQ(escapeControl("a\tb\x7f"), "a\\tb\\x7f");
    EXPECT_EQ(escapeControl("Été 2024 – 日本.heic"), "Été 2024 – 日本.heic")
        << "UTF-8 stays as it is";
}

TEST(Strings, CountedPutsTheNounInTheRightNumber) {
    EXPECT_EQ(counted(1, "route"), "1 route");
    EXPECT_EQ(counted(0, "route"), "0 routes");
    EXPECT_EQ(counted(3, "frame"), "3 frames");
    EXPECT_EQ(counted(1, "delivery", "deliveries"), "1 delivery");
    EXPECT_EQ(counted(2, "delivery", "deliveries"), "2 deliveries");
}

TEST(Strings, ValidUtf8KeepsEveryAsciiByteAndReplacesEveryLoneEightBitByte) {
    const std::string replacement = "\xEF\xBF\xBD";
    for (int b = 0; b < 256; ++b) {
        const std::string in(1, static_cast<char>(b));
        EXPECT_EQ(validUtf8(in), b < 0x80 ? in : replacement) << "byte " << b;
    }
}

TEST(Strings, ValidUtf8KeepsWellFormedSequencesAndReplacesEachBadByte) {
    const std::string r = "\xEF\xBF\xBD";
    EXPECT_EQ(validUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\xB7"),
              "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\xB7");  // é, €, a camera
    EXPECT_EQ(validUtf8("\xEF\xBF\xBF\xF4\x8F\xBF\xBF"), "\xEF\xBF\xBF\xF4\x8F\xBF\xBF");  // edges
    EXPECT_EQ(validUtf8("550 5.1.1 <caf\xE9 \xFF\xFE>"), "550 5.1.1 <caf" + r + " " + r + r + ">");
    EXPECT_EQ(validUtf8("\xC0\x80"), r + r) << "overlong NUL";
    EXPECT_EQ(validUtf8("\xE0\x9F\xBF"), r + r + r) << "overlong three bytes";
    EXPECT_EQ(validUtf8("\xED\xA0\x80"), r + r + r) << "a surrogate";
    EXPECT_EQ(validUtf8("\xF4\x90\x80\x80"), r + r + r + r) << "past U+10FFFF";
    EXPECT_EQ(validUtf8("\xE2\x82"), r + r) << "cut short at the end";
    EXPECT_EQ(validUtf8("\xE2\x82x"), r + r + "x") << "cut short before ASCII";
    EXPECT_EQ(validUtf8(""), "");
}

TEST(Strings, SplitUserInfoTakesTheUserAndPasswordOutOfAUrl) {
    auto s = splitUserInfo("http://user:secret@nas:2283/api");
    EXPECT_EQ(s.url, "http://nas:2283/api");
    EXPECT_EQ(s.user, "user");
    EXPECT_EQ(s.password, "secret");
    s = splitUserInfo("https://me%40home:p%40ss%3Aword@photos.example.com/api");
    EXPECT_EQ(s.url, "https://photos.example.com/api");
    EXPECT_EQ(s.user, "me@home") << "percent-decoded";
    EXPECT_EQ(s.password, "p@ss:word");
    s = splitUserInfo("https://user:with@at@host/api");
    EXPECT_EQ(s.url, "https://host/api") << "the last @ of the authority ends the user info";
    EXPECT_EQ(s.password, "with@at");
    s = splitUserInfo("https://justuser@host/api");
    EXPECT_EQ(s.url, "https://host/api");
    EXPECT_EQ(s.user, "justuser");
    EXPECT_EQ(s.password, "");
    s = splitUserInfo("http://host/api?who=a@b");
    EXPECT_EQ(s.url, "http://host/api?who=a@b") << "an @ after the authority is not user info";
    EXPECT_EQ(s.user, "");
    EXPECT_EQ(splitUserInfo("not a url").url, "not a url");
    EXPECT_EQ(splitUserInfo("http://host%zz/api").url, "http://host%zz/api");
}
