// What a log line looks like: an ISO 8601 UTC timestamp, the level, the component, and the
// message with control characters escaped.
#include <gtest/gtest.h>

#include <memory>
#include <regex>

#include "captured_log.hpp"
#include "pixsync/log.hpp"

using namespace pixsync;

TEST(Logger, LinesStartWithAnIsoUtcTimestampAndEscapeControlCharacters) {
    auto captured = std::make_shared<test::CapturedLog>();
    Logger log;
    log.addOutput(captured);
    log.tagged("engine").info("delivered IMG\r\nBcc: x@y.com\x1b[31m.jpg");
    const std::string text = captured->text();
    const std::regex line(
        R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO    \[engine\] delivered IMG\\r\\nBcc: x@y.com\\x1b\[31m.jpg\n$)");
    EXPECT_TRUE(std::regex_match(text, line)) << text;
}
