// A state that cannot be read is never treated as empty: each bad file is refused with
// Error(State) naming the file and the way out, and left exactly as it was.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <functional>

#include "permissions_apply.hpp"
#include "state_test_support.hpp"

using namespace pixsync;
using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

namespace {

/// Runs SQL on a database file outside of pixsync.
void sql(const fs::path& file, const std::string& statements) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    int rc = sqlite3_exec(db, statements.c_str(), nullptr, nullptr, &message);
    std::string error = message ? message : "";
    sqlite3_free(message);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << error;
}

/// A real state written by the plugin, with enough records to span several pages.
void writeRealState(const std::string& store, const fs::path& file) {
    test::StatePlugin plugin(store);
    auto state = plugin.open(file);
    for (int i = 0; i < 300; ++i) {
        DeliveryRecord r;
        r.key = {"john.doe@example.com", cat("asset-", i, "-with-a-long-enough-id"),
                 "frame@mypixstar.com"};
        r.checksum = cat("checksum-", i);
        r.sink = "gmail";
        r.detail = std::string(200, 'x');
        r.at = plugin.clock().now();
        state->record(r);
    }
    state->flush();
}

void truncateToHalf(const fs::path& file) {
    auto size = fs::file_size(file);
    // Keep whole pages for SQLite so only the header's page count gives it away.
    fs::resize_file(file, size / 2 - (size / 2) % 4096);
}

struct BadState {
    std::string name;
    std::string store;
    std::function<void(const fs::path&)> make;
    std::string problem;  ///< what the message must say about the file
    bool newerSchema = false;
};

std::ostream& operator<<(std::ostream& out, const BadState& c) { return out << c.name; }

std::vector<BadState> badStates() {
    auto text = [](std::string content) {
        return [content](const fs::path& p) { test::writeFile(p, content); };
    };
    return {
        {"json_empty", "json", text(""), "is empty"},
        {"json_blank", "json", text("  \n"), "is empty"},
        {"json_truncated", "json", text(R"({"by_user": {"a@b.c": ["id1", "id)"), "truncated"},
        {"json_truncated_real", "json",
         [](const fs::path& p) {
             writeRealState("json", p);
             std::string content = test::readFile(p);
             test::writeFile(p, content.substr(0, content.size() / 2));
         },
         "truncated"},
        {"json_not_json", "json", text("by_user = 1\n"), "not valid JSON"},
        {"json_trailing_garbage", "json", text(R"({"by_user": {}} x)"), "not valid JSON"},
        {"json_top_level_list", "json", text(R"(["id1"])"), "top level"},
        {"json_by_user_is_a_list", "json", text(R"({"by_user": ["id1", "id2"]})"),
         "\"by_user\" is not an object"},
        {"json_user_entry_is_not_a_list", "json", text(R"({"by_user": {"a@b.c": "id1"}})"),
         "by_user[\"a@b.c\"] is not a list"},
        {"json_id_is_a_number", "json", text(R"({"by_user": {"a@b.c": ["id1", 42]}})"),
         "by_user[\"a@b.c\"][1] is not an asset id"},
        {"json_id_is_empty", "json", text(R"({"by_user": {"a@b.c": [""]}})"),
         "by_user[\"a@b.c\"][0] is not an asset id"},
        {"json_pixsync_section_is_not_an_object", "json", text(R"({"by_user": {}, "pixsync": 1})"),
         "is not an object"},
        {"json_delivery_status_unknown", "json",
         text(
             R"({"pixsync": {"version": 1, "deliveries": {"r": [{"asset_id": "a", "destination": "d", "status": "lost"}]}}})"),
         "pixsync.deliveries[\"r\"][0].status is not a delivery status"},
        {"json_delivery_field_wrong_type", "json",
         text(
             R"({"pixsync": {"version": 1, "deliveries": {"r": [{"asset_id": "a", "destination": "d", "status": "queued", "attempts": "3"}]}}})"),
         "pixsync.deliveries[\"r\"][0].attempts is not an integer"},
        // Found by the json-state fuzz target: 17964280881224 ms overflowed the clock (UBSan).
        {"json_time_out_of_range", "json",
         text(
             R"({"pixsync": {"version": 1, "cursors": {"r": {"value": "c", "last_full_listing": 17964280881224}}}})"),
         "pixsync.cursors[\"r\"].last_full_listing is not a time pixsync can hold"},
        {"json_nested_too_deep", "json",
         text(R"({"by_user": {}, "other": )" + std::string(300, '[') + std::string(300, ']') + "}"),
         "deeper than 256 levels"},
        {"json_newer_format", "json", text(R"({"by_user": {}, "pixsync": {"version": 7}})"),
         "was written by a newer pixsync (format 7, this one knows up to 1)", true},
        {"json_folder_in_place", "json", [](const fs::path& p) { fs::create_directory(p); },
         "is not a regular file"},
        {"sqlite_empty", "sqlite", text(""), "is empty"},
        {"sqlite_text", "sqlite", text("this is not a database\n"), "is not a SQLite database"},
        {"sqlite_json", "sqlite", text(R"({"by_user": {}})"), "looks like JSON"},
        {"sqlite_header_only", "sqlite", text("SQLite format 3"), "truncated"},
        {"sqlite_truncated", "sqlite",
         [](const fs::path& p) {
             writeRealState("sqlite", p);
             truncateToHalf(p);
         },
         "is truncated"},
        {"sqlite_other_program", "sqlite",
         [](const fs::path& p) {
             sql(p, "CREATE TABLE photos (id TEXT); INSERT INTO photos VALUES ('x');");
         },
         "another program"},
        {"sqlite_newer_schema", "sqlite",
         [](const fs::path& p) {
             writeRealState("sqlite", p);
             sql(p, "PRAGMA user_version = 9;");
         },
         "was written by a newer pixsync (schema 9, this one knows up to 1)", true},
        {"sqlite_folder_in_place", "sqlite", [](const fs::path& p) { fs::create_directory(p); },
         "is not a regular file"},
    };
}

class BadStateIsRefused : public ::testing::TestWithParam<BadState> {};

std::string snapshot(const fs::path& p) {
    if (fs::is_directory(p)) return "<folder>";
    return test::readFile(p);
}

TEST_P(BadStateIsRefused, InBothModesWithTheFileUnchanged) {
    const BadState& c = GetParam();
    test::TempDir dir;
    const fs::path file = dir / test::stateFileName(c.store);
    c.make(file);
    const std::string before = snapshot(file);
    test::StatePlugin plugin(c.store);

    for (OpenMode mode : {OpenMode::ReadWrite, OpenMode::ReadOnly}) {
        Error e = test::errorFrom([&] { plugin.open(file, mode); });
        EXPECT_EQ(e.kind(), ErrorKind::State) << e.what();
        EXPECT_THAT(e.what(), HasSubstr(file.string()));
        EXPECT_THAT(e.what(), HasSubstr(c.problem));
        if (c.newerSchema) {
            EXPECT_THAT(e.what(), HasSubstr("upgrade pixsync, or restore a backup"));
        } else {
            EXPECT_THAT(e.what(), HasSubstr("restore it from a backup"));
            EXPECT_THAT(e.what(), HasSubstr("pixsync state baseline"));
            EXPECT_THAT(e.what(), HasSubstr("pixsync state reset --i-know"));
        }
        EXPECT_EQ(snapshot(file), before) << "the state file was modified";
    }
    // Nothing beside it either: no journal, no replacement file (the lock file is expected).
    for (const auto& entry : fs::directory_iterator(dir.path())) {
        const std::string name = entry.path().filename().string();
        EXPECT_TRUE(name == file.filename().string() || name == file.filename().string() + ".lock")
            << "unexpected file " << name;
    }
}

INSTANTIATE_TEST_SUITE_P(Cases, BadStateIsRefused, ::testing::ValuesIn(badStates()),
                         [](const auto& p) { return p.param.name; });

class UnreadableState : public ::testing::TestWithParam<std::string> {};

TEST_P(UnreadableState, IsAStateErrorNotAnEmptyState) {
    test::TempDir dir;
    const fs::path file = dir / test::stateFileName(GetParam());
    writeRealState(GetParam(), file);
    fs::permissions(file, fs::perms::none);
    test::StatePlugin plugin(GetParam());
    // Root reads any file: this thread gives up that right so the refusal is really tested.
    test::PermissionsApply permissions;
    ASSERT_TRUE(permissions.works()) << "cannot drop CAP_DAC_OVERRIDE for this test";
    Error e = test::errorFrom([&] { plugin.open(file); });
    EXPECT_EQ(e.kind(), ErrorKind::State);
    EXPECT_THAT(e.what(), HasSubstr(file.string()));
    EXPECT_THAT(e.what(), HasSubstr("cannot be read (Permission denied)"));
    // A permission problem, not a damaged state: no advice to reset it.
    EXPECT_THAT(e.what(), HasSubstr("run pixsync as the user"));
    EXPECT_THAT(e.what(), Not(HasSubstr("reset --i-know")));
}

INSTANTIATE_TEST_SUITE_P(Stores, UnreadableState, ::testing::Values("sqlite", "json"),
                         [](const auto& p) { return p.param; });

}  // namespace
