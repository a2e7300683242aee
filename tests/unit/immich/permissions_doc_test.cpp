// The README's "Immich permissions" table names exactly the permissions the immich plugin's
// code asks for: a permission added to the code without a row, or a row for one the code no
// longer needs, fails here.
#include <gmock/gmock.h>

#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir = PIXSYNC_TEST_SOURCE_DIR;

/// Immich permission names ("asset.read") in a text, outside longer identifiers.
std::set<std::string> permissionsIn(const std::string& text) {
    static const std::regex name(
        R"((?:^|[^A-Za-z0-9_.>])((?:asset|user|album|tag|person|partner|library|timeline|memory|stack|sharedLink)\.(?:read|download|view|update|create|delete|upload|share)))");
    std::set<std::string> found;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), name);
         it != std::sregex_iterator(); ++it)
        found.insert((*it)[1]);
    return found;
}

/// The first-column permissions of the table under "### Immich permissions".
std::set<std::string> documentedPermissions() {
    const std::string readme = pixsync::test::readFile(kSourceDir / "README.md");
    const auto start = readme.find("\n### Immich permissions\n");
    if (start == std::string::npos) return {};
    const auto end = readme.find("\n#", start + 1);
    const std::string section = readme.substr(start, end - start);
    std::set<std::string> rows;
    static const std::regex row(R"(\n\| `([a-z]+\.[a-z]+)` \|)");
    for (auto it = std::sregex_iterator(section.begin(), section.end(), row);
         it != std::sregex_iterator(); ++it)
        rows.insert((*it)[1]);
    return rows;
}

TEST(ImmichPermissionsDoc, TheReadmeTableNamesEveryPermissionTheCodeAsksFor) {
    std::set<std::string> inCode;
    for (const auto& entry : fs::directory_iterator(kSourceDir / "plugins" / "immich")) {
        const auto ext = entry.path().extension();
        if (ext != ".cpp" && ext != ".hpp") continue;
        for (const auto& p : permissionsIn(pixsync::test::readFile(entry.path()))) inCode.insert(p);
    }
    ASSERT_FALSE(inCode.empty());
    EXPECT_EQ(documentedPermissions(), inCode)
        << "README.md, \"Immich permissions\": one row per permission the immich plugin uses";
}

TEST(ImmichPermissionsDoc, NamesAreFoundOnlyAsWholeNames) {
    EXPECT_EQ(permissionsIn("grant asset.read and \"tag.read\"; settings_.user.read(x)"),
              (std::set<std::string>{"asset.read", "tag.read"}));
}

}  // namespace
