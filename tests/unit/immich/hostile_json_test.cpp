// Hostile answers for the response parser: every input must end in a result or a clean
// pixsync::Error, never a crash, a hang or a sanitizer report (this binary runs under
// ASan/UBSan in the sanitizer build).

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "immich_json.hpp"
#include "pixsync/error.hpp"

using namespace pixsync;
using namespace pixsync::immich;

namespace {

const std::string kValidPage =
    R"({"albums":{"total":0,"count":0,"items":[],"facets":[]},"assets":{"total":1,"count":1,"items":[)"
    R"({"id":"aaaaaaaa-0000-0000-0000-000000000001","ownerId":"11111111-1111-1111-1111-111111111111",)"
    R"("type":"IMAGE","isTrashed":false,"checksum":"abc=","originalFileName":"a.jpg",)"
    R"("originalMimeType":"image/jpeg","fileCreatedAt":"2024-05-01T10:00:00.000Z",)"
    R"("updatedAt":"2025-01-02T03:04:05.678Z","exifInfo":{"fileSizeInByte":5}}],"facets":[],"nextPage":"2"}})";

// Runs every parser on the input; returns how many ended in an Error.
int feed(const std::string& input) {
    int errors = 0;
    const std::vector<std::function<void()>> parsers = {
        [&] { parseSearchPage(input); },
        [&] { parseUser(input); },
        [&] { parseUsers(input); },
        [&] { parseServerVersion(input); },
        [&] { (void)parseErrorBody(input); },
        [&] { (void)parseTimestampMicros(input); },
        [&] { parseAlbums(input); },
        [&] { parseAlbum(input); },
        [&] { parseTags(input); },
        [&] { parsePeople(input); },
        [&] { parsePerson(input); },
    };
    for (const auto& parse : parsers) {
        try {
            parse();
        } catch (const Error&) {
            ++errors;
        }
    }
    return errors;
}

std::string repeat(const std::string& s, std::size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

std::vector<std::string> corpus() {
    std::vector<std::string> c = {
        "",
        " ",
        "null",
        "true",
        "0",
        "-0",
        "1e999",
        "-1e999",
        "\"\"",
        "[]",
        "{}",
        "[[]]",
        "{\"assets\":null}",
        "{\"assets\":{\"items\":null}}",
        "{\"assets\":{\"items\":[null,1,\"x\",[],{}]}}",
        "{\"assets\":{\"items\":[],\"nextPage\":\"99999999999999999999\"}}",
        "{\"assets\":{\"items\":[],\"nextPage\":-1}}",
        "{\"assets\":{\"items\":[],\"nextPage\":1.5}}",
        "{\"assets\":{\"items\":[{\"id\":\"aaaaaaaa-0000-0000-0000-000000000001\",\"updatedAt\":"
        "\"9999-99-99T99:99:99Z\"}]}}",
        "{\"assets\":{\"items\":[{\"exifInfo\":{\"fileSizeInByte\":-1}}]}}",
        "{\"major\":9223372036854775807,\"minor\":-9223372036854775808,\"patch\":"
        "18446744073709551615}",
        "{\"message\":[1,2,{\"a\":[]}]}",
        "{\"id\":\"11111111-1111-1111-1111-111111111111\",\"email\":\"\\u0000\"}",
        std::string("{\"message\":\"a\0b\"}", 16),
        "{\"message\":\"\\ud800\"}",       // lone surrogate escape
        "{\"message\":\"\xff\xfe\"}",      // invalid UTF-8 bytes
        "{\"message\":\"\xc0\xaf\"}",      // overlong encoding of '/'
        "{\"message\":\"\xed\xa0\x80\"}",  // UTF-8 encoded surrogate
        "{\"a\":1,\"a\":2,\"a\":3}",       // duplicate keys
        "\xef\xbb\xbf{}",                  // byte order mark
        "{\"assets\":{\"items\":[]}} trailing",
        "2025-01-02T03:04:05.1234567890123456789Z",
        "0000-00-00T00:00:00Z",
        "9999-12-31T23:59:60.999999+23:59",
        "-001-01-01T00:00:00Z",
    };
    // Deep nesting: the parser must not recurse on the call stack.
    c.push_back(repeat("[", 200000) + repeat("]", 200000));
    c.push_back(repeat("{\"a\":", 100000) + "1" + repeat("}", 100000));
    c.push_back("{\"assets\":{\"items\":[" + repeat("[", 100000) + "]}}");
    c.push_back(repeat("[", 100000));  // unterminated
    // Huge arrays and strings.
    std::string many = "{\"assets\":{\"items\":[";
    for (int i = 0; i < 200000; ++i) many += i ? ",{}" : "{}";
    c.push_back(many + "]}}");
    c.push_back("{\"message\":\"" + std::string(5 * 1024 * 1024, 'x') + "\"}");
    c.push_back("{\"assets\":{\"items\":[{\"originalFileName\":\"" + std::string(100000, 'n') +
                "\"}]}}");
    // Every prefix of a valid page (truncated answers).
    for (std::size_t n = 0; n < kValidPage.size(); ++n) c.push_back(kValidPage.substr(0, n));
    // Each field replaced by each wrong type.
    for (const char* field : {"\"id\"", "\"ownerId\"", "\"type\"", "\"isTrashed\"", "\"checksum\"",
                              "\"originalFileName\"", "\"updatedAt\"", "\"exifInfo\"",
                              "\"nextPage\"", "\"items\"", "\"assets\""}) {
        for (const char* value :
             {"null", "1", "-1.5e300", "true", "[]", "{}", "\"\"", "\"\\u0000\""}) {
            std::string doc = kValidPage;
            auto at = doc.find(field);
            auto colon = doc.find(':', at);
            auto end = colon + 1;
            int depth = 0;
            bool inString = false;
            for (; end < doc.size(); ++end) {
                char ch = doc[end];
                if (inString) {
                    if (ch == '\\')
                        ++end;
                    else if (ch == '"')
                        inString = false;
                    continue;
                }
                if (ch == '"')
                    inString = true;
                else if (ch == '{' || ch == '[')
                    ++depth;
                else if (ch == '}' || ch == ']') {
                    if (depth == 0) break;
                    --depth;
                } else if (ch == ',' && depth == 0)
                    break;
            }
            c.push_back(doc.substr(0, colon + 1) + value + doc.substr(end));
        }
    }
    // Seeded random mutations of the valid page, and random bytes.
    std::mt19937 rng(20251125);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int i = 0; i < 3000; ++i) {
        std::string doc = kValidPage;
        int edits = 1 + i % 8;
        for (int e = 0; e < edits; ++e) {
            std::size_t pos = rng() % doc.size();
            switch (rng() % 3) {
                case 0:
                    doc[pos] = static_cast<char>(byte(rng));
                    break;
                case 1:
                    doc.erase(pos, 1 + rng() % 4);
                    break;
                default:
                    doc.insert(pos, 1, static_cast<char>(byte(rng)));
                    break;
            }
            if (doc.empty()) doc = "{";
        }
        c.push_back(doc);
    }
    for (int i = 0; i < 500; ++i) {
        std::string junk(rng() % 300, '\0');
        for (auto& ch : junk) ch = static_cast<char>(byte(rng));
        c.push_back(junk);
    }
    return c;
}

}  // namespace

TEST(ImmichHostileJson, EveryInputEndsInAResultOrACleanError) {
    auto inputs = corpus();
    ASSERT_GT(inputs.size(), 3500u);
    for (const auto& input : inputs) EXPECT_NO_FATAL_FAILURE(feed(input));
}

TEST(ImmichHostileJson, DeepNestingIsAnErrorNotAStackOverflow) {
    EXPECT_THROW(parseSearchPage(repeat("[", 1000000) + repeat("]", 1000000)), Error);
    EXPECT_THROW(parseSearchPage(repeat("{\"assets\":", 500000) + "1" + repeat("}", 500000)),
                 Error);
}

TEST(ImmichHostileJson, InvalidUtf8IsRejected) {
    std::string doc = kValidPage;
    doc.replace(doc.find("a.jpg"), 5, "a\xff\xfe.jpg");
    try {
        parseSearchPage(doc);
        FAIL() << "invalid UTF-8 accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    }
}

TEST(ImmichHostileJson, HugeArraysAreRefusedAsAWhole) {
    std::string many = "{\"assets\":{\"items\":[";
    for (int i = 0; i < 20000; ++i) many += i ? ",{}" : "{}";
    EXPECT_THROW(parseSearchPage(many + "]}}"), Error);
}

TEST(ImmichHostileJson, OverlongFieldsDropTheItem) {
    std::string doc = kValidPage;
    doc.replace(doc.find("abc="), 4, std::string(100000, 'n'));
    auto page = parseSearchPage(doc);
    EXPECT_TRUE(page.assets.empty());
    EXPECT_EQ(page.problems.size(), 1u);
}

TEST(ImmichHostileJson, AnOverlongFileNameIsShortenedNotDropped) {
    std::string doc = kValidPage;
    doc.replace(doc.find("a.jpg"), 5, std::string(100000, 'n') + ".jpg");
    auto page = parseSearchPage(doc);
    ASSERT_EQ(page.assets.size(), 1u);
    EXPECT_TRUE(page.problems.empty());
    EXPECT_EQ(page.assets[0].fileName, std::string(250, 'n') + "~.jpg");
}
