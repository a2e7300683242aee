#include "cursor.hpp"

#include <gtest/gtest.h>

using namespace pixsync::immich;

TEST(ImmichCursor, ABareDateIsACursor) {
    auto c = parseCursor("2025-01-02T03:04:05.678Z");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->updatedAt, "2025-01-02T03:04:05.678Z");
    EXPECT_TRUE(c->ids.empty());
    EXPECT_EQ(formatCursor(*c), "2025-01-02T03:04:05.678Z");
}

TEST(ImmichCursor, RoundTripsIdsSeenAtTheNewestTime) {
    Cursor c;
    c.updatedAt = "2025-01-02T03:04:05.678Z";
    c.micros = 1;
    c.ids = {"bbbbbbbb-0000-0000-0000-000000000002", "aaaaaaaa-0000-0000-0000-000000000001"};
    std::string text = formatCursor(c);
    EXPECT_EQ(text,
              "2025-01-02T03:04:05.678Z aaaaaaaa-0000-0000-0000-000000000001,"
              "bbbbbbbb-0000-0000-0000-000000000002");
    auto back = parseCursor(text);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->ids, c.ids);
}

TEST(ImmichCursor, IgnoresMalformedIdsAndRejectsNonDates) {
    auto c = parseCursor("2025-01-02T03:04:05Z x,aaaaaaaa-0000-0000-0000-000000000001,'; drop");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->ids.size(), 1u);
    EXPECT_FALSE(parseCursor(""));
    EXPECT_FALSE(parseCursor("page=3"));
}
