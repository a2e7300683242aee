// The bounded JSON helpers: the depth limit, and copying and writing a document far deeper
// than any call stack holds.
#include "pixsync/util/bounded_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

using namespace pixsync;
using ::testing::HasSubstr;

namespace {

/// [{"k":[{"k": ... 1 ... }]}] with `depth` levels, a list and an object in turn.
std::string nested(int depth) {
    std::string open, close;
    for (int i = 0; i < depth; ++i) {
        open += i % 2 == 0 ? "[" : R"({"k":)";
        close += i % 2 == 0 ? "]" : "}";
    }
    return open + R"(["s",-1,4294967296,2.5,true,false,null])" +
           std::string(close.rbegin(), close.rend());
}

std::string write(const rapidjson::Value& v) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    EXPECT_TRUE(writeJsonValue(writer, v));
    return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

TEST(BoundedJson, RefusesNestingPastTheLimitAndSaysWhere) {
    rapidjson::Document doc;
    EXPECT_TRUE(parseBoundedJson(doc, nested(kMaxJsonDepth - 1)));  // plus the innermost list
    const JsonParseResult deep = parseBoundedJson(doc, nested(kMaxJsonDepth));
    ASSERT_FALSE(deep);
    EXPECT_TRUE(deep.tooDeep);
    EXPECT_TRUE(doc.IsNull());
    EXPECT_THAT(deep.reason(), HasSubstr("deeper than 256 levels"));
    const JsonParseResult broken = parseBoundedJson(doc, R"({"a": )");
    EXPECT_FALSE(broken.tooDeep);
    EXPECT_EQ(broken.offset, 6u);
}

TEST(BoundedJson, CopiesAndWritesAMillionLevelsWithoutRecursion) {
    // Parsed with a limit above the depth, to build a document no recursive walk survives.
    const std::string text = nested(1000000);
    rapidjson::Document doc;
    ASSERT_TRUE(parseBoundedJson(doc, text, 2000000));
    EXPECT_EQ(write(doc), text);

    rapidjson::Document target;
    rapidjson::Value copy = copyJsonValue(doc, target.GetAllocator());
    doc.SetNull();  // the copy owns its strings
    EXPECT_EQ(write(copy), text);
}
