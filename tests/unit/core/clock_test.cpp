// Times as pixsync writes them: ISO 8601 in UTC, to the second or to the millisecond.
#include "pixsync/clock.hpp"

#include <gtest/gtest.h>

namespace pixsync {
namespace {

TEST(IsoUtc, SecondsAndMillisecondsInUtc) {
    EXPECT_EQ(isoUtc(fromUnixMillis(0)), "1970-01-01T00:00:00Z");
    EXPECT_EQ(isoUtc(fromUnixMillis(1733389200999)), "2024-12-05T09:00:00Z");
    EXPECT_EQ(isoUtcMillis(fromUnixMillis(1733389200123)), "2024-12-05T09:00:00.123Z");
    EXPECT_EQ(isoUtcMillis(fromUnixMillis(1733389200007)), "2024-12-05T09:00:00.007Z");
}

TEST(IsoUtc, ATimeBefore1970FallsInItsOwnSecond) {
    EXPECT_EQ(isoUtcMillis(fromUnixMillis(-1)), "1969-12-31T23:59:59.999Z");
    EXPECT_EQ(isoUtc(fromUnixMillis(-1)), "1969-12-31T23:59:59Z");
}

}  // namespace
}  // namespace pixsync
