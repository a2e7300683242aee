// The JSON store's journal: outcomes recorded by a process killed before it rewrote the state
// file are there when the state is opened again; a line cut short by the kill is ignored;
// anything else wrong with the journal is refused, naming it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>

#include "state_test_support.hpp"

using namespace pixsync;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

namespace {

const std::string kRoute = "john.doe@example.com";
const std::string kFrame = "frame@mypixstar.com";

Asset photo(const std::string& id) {
    Asset a;
    a.id = id;
    a.checksum = "sum-" + id;
    a.fileName = "IMG_" + id + ".HEIC";
    a.mimeType = "image/heic";
    a.kind = AssetKind::Image;
    a.sizeBytes = 4321;
    return a;
}

DeliveryRecord outcome(const std::string& asset, DeliveryStatus status, TimePoint at) {
    DeliveryRecord r;
    r.key = {kRoute, asset, kFrame};
    r.status = status;
    r.checksum = "sum-" + asset;
    r.sink = "gmail";
    r.attempts = 1;
    r.at = at;
    r.nextAttempt = at + 10min;
    r.detail = status == DeliveryStatus::Delivered ? "" : "451 try again later";
    r.bytes = status == DeliveryStatus::Delivered ? 1000 : 0;
    return r;
}

class JsonJournal : public ::testing::Test {
  protected:
    std::unique_ptr<StateStore> open(OpenMode mode = OpenMode::ReadWrite) {
        Options options;
        options.set("path", file.string());
        options.set("batch_size", std::int64_t{1000});
        return plugin.open(options, mode);
    }

    /// Runs `work` on a store in a child process that is then SIGKILLed: no destructor, no
    /// flush, no rewrite after `work`.
    void inKilledWriter(const std::function<void(StateStore&, const Clock&)>& work) {
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            try {
                test::StatePlugin child("json");
                Options options;
                options.set("path", file.string());
                options.set("batch_size", std::int64_t{1000});
                auto store = child.open(options);
                work(*store, child.clock());
                ::kill(::getpid(), SIGKILL);  // with the store still open
            } catch (const std::exception& e) {
                std::fprintf(stderr, "writer failed: %s\n", e.what());
                ::_exit(3);
            }
            ::_exit(4);
        }
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            << "the writer did not get as far as the kill (status " << status << ")";
    }

    /// What the original (Python) service sees: by_user[route], sorted.
    std::string sentAsThePythonServiceReadsIt() {
        auto result = test::run({test::python(), "-c",
                                 "import json, sys\n"
                                 "state = json.load(open(sys.argv[1]))\n"
                                 "print(','.join(sorted(state['by_user'].get(sys.argv[2], []))))\n",
                                 file.string(), kRoute});
        EXPECT_EQ(result.exitCode, 0) << result.err;
        return trim(result.out);
    }

    std::vector<std::string> journalLines() {
        std::vector<std::string> lines;
        for (auto& line : split(test::readFile(journal), '\n'))
            if (!line.empty()) lines.push_back(line);
        return lines;
    }

    test::TempDir dir;
    test::StatePlugin plugin{"json"};
    fs::path file = dir / "pixstar_sync_state.json";
    fs::path journal = dir / "pixstar_sync_state.json.journal";
};

TEST_F(JsonJournal, OutcomesOfAWriterKilledBeforeItsRewriteAreReplayed) {
    inKilledWriter([](StateStore& store, const Clock& clock) {
        Plan plan;
        plan.route = kRoute;
        plan.queue.push_back({{kRoute, "retry", kFrame}, photo("retry"), 0, clock.now(), ""});
        plan.listed.push_back(photo("retry"));
        store.commit(plan);
        store.flush();  // the file now holds the queued "retry", and nothing below
        store.record(outcome("sent-1", DeliveryStatus::Delivered, clock.now()));
        store.record(outcome("sent-2", DeliveryStatus::Delivered, clock.now()));
        store.record(outcome("refused", DeliveryStatus::Failed, clock.now()));
        store.record(outcome("retry", DeliveryStatus::Queued, clock.now()));
        store.requeue({{{kRoute, "again", kFrame}, photo("again"), 0, clock.now(), ""}});
    });
    ASSERT_TRUE(fs::exists(journal));
    EXPECT_EQ(sentAsThePythonServiceReadsIt(), "") << "the file was rewritten after all";

    // A reader (`status`) sees them too, without touching anything.
    const std::string journalBefore = test::readFile(journal);
    {
        auto reader = open(OpenMode::ReadOnly);
        EXPECT_EQ(reader->status({kRoute, "sent-2", kFrame}), DeliveryStatus::Delivered);
        EXPECT_EQ(reader->summarize({kRoute})[0].delivered, 2u);
    }
    EXPECT_EQ(test::readFile(journal), journalBefore);

    auto store = open();
    EXPECT_EQ(store->status({kRoute, "sent-1", kFrame}), DeliveryStatus::Delivered);
    EXPECT_EQ(store->status({kRoute, "sent-2", kFrame}), DeliveryStatus::Delivered);
    EXPECT_EQ(store->status({kRoute, "refused", kFrame}), DeliveryStatus::Failed);
    EXPECT_EQ(store->countDelivered("gmail", plugin.clock().now() - 1h), 2u);
    EXPECT_TRUE(store->findByChecksum(kFrame, "sum-sent-1"));
    // A retry keeps everything needed to fetch the photo again.
    std::map<std::string, QueuedDelivery> due;
    for (auto& q : store->due(plugin.clock().now() + 1h, 10)) due[q.key.assetId] = q;
    ASSERT_EQ(due.size(), 2u);
    EXPECT_EQ(due["retry"].attempts, 1);
    EXPECT_EQ(due["retry"].lastError, "451 try again later");
    EXPECT_EQ(due["retry"].asset.fileName, "IMG_retry.HEIC");
    EXPECT_EQ(due["again"].asset.mimeType, "image/heic");
    // Opening folded them into the file, which the original service reads as before.
    EXPECT_EQ(sentAsThePythonServiceReadsIt(), "sent-1,sent-2");
    EXPECT_EQ(fs::file_size(journal), 0u);
}

TEST_F(JsonJournal, ALastLineCutShortByTheCrashIsIgnored) {
    inKilledWriter([](StateStore& store, const Clock& clock) {
        store.record(outcome("a1", DeliveryStatus::Delivered, clock.now()));
        store.record(outcome("a2", DeliveryStatus::Delivered, clock.now()));
    });
    auto lines = journalLines();
    ASSERT_EQ(lines.size(), 3u);  // the header and one line per outcome
    const std::string whole = test::readFile(journal);
    // The next outcome, cut off in the middle by the kill.
    const std::string torn = lines[2].substr(0, lines[2].size() / 2);
    test::writeFile(journal, whole + torn);
    {
        auto store = open();
        EXPECT_EQ(store->status({kRoute, "a1", kFrame}), DeliveryStatus::Delivered);
        EXPECT_EQ(store->status({kRoute, "a2", kFrame}), DeliveryStatus::Delivered);
    }
    // After a power loss the file's length can reach the disk before its data: a last line
    // of zeros, newline included.
    inKilledWriter([](StateStore& store, const Clock& clock) {
        store.record(outcome("a3", DeliveryStatus::Delivered, clock.now()));
    });
    test::writeFile(journal, test::readFile(journal) + std::string(40, '\0') + "\n");
    auto store = open();
    EXPECT_EQ(store->status({kRoute, "a3", kFrame}), DeliveryStatus::Delivered);
    EXPECT_EQ(store->summarize({kRoute})[0].delivered, 3u);
}

TEST_F(JsonJournal, AMalformedLineBeforeTheLastIsRefusedWithNothingChanged) {
    inKilledWriter([](StateStore& store, const Clock& clock) {
        store.record(outcome("a1", DeliveryStatus::Delivered, clock.now()));
        store.record(outcome("a2", DeliveryStatus::Delivered, clock.now()));
        store.record(outcome("a3", DeliveryStatus::Delivered, clock.now()));
    });
    auto lines = journalLines();
    ASSERT_EQ(lines.size(), 4u);
    const std::vector<std::pair<std::string, std::string>> damages = {
        {"this is not JSON", "line 3: is not a journal line"},
        {R"({"deliveries": [{"route": "r", "asset_id": "a2", "destination": "f", "status": "gone"}]})",
         "line 3: deliveries[0].status is not a delivery status ('gone')"},
        {R"({"deliveries": [{"asset_id": "a2", "destination": "f", "status": "delivered"}]})",
         "line 3: deliveries[0].route is missing"},
        {std::string(100000, '[') + std::string(100000, ']'), "line 3: is not a journal line"},
    };
    for (const auto& [line, problem] : damages) {
        test::writeFile(journal, cat(lines[0], "\n", lines[1], "\n", line, "\n", lines[3], "\n"));
        const std::string before = test::readFile(journal);
        for (OpenMode mode : {OpenMode::ReadWrite, OpenMode::ReadOnly}) {
            Error e = test::errorFrom([&] { open(mode); });
            EXPECT_EQ(e.kind(), ErrorKind::State);
            EXPECT_THAT(e.what(), HasSubstr("journal " + journal.string()));
            EXPECT_THAT(e.what(), HasSubstr(problem));
            EXPECT_THAT(e.what(), HasSubstr("move it aside"));
        }
        EXPECT_EQ(test::readFile(journal), before);
        EXPECT_FALSE(fs::exists(file));
    }
    test::writeFile(journal, cat(R"({"pixsync_journal": 9, "generation": 0})", "\n", lines[1], "\n",
                                 lines[2], "\n"));
    Error e = test::errorFrom([&] { open(); });
    EXPECT_THAT(e.what(), HasSubstr("line 1: was written by a newer pixsync"));
}

TEST_F(JsonJournal, LinesTheFileAlreadyHoldsAreNotAppliedAgain) {
    const fs::path saved = dir / "journal-before-the-rewrite";
    inKilledWriter([&](StateStore& store, const Clock& clock) {
        store.record(outcome("a1", DeliveryStatus::Queued, clock.now()));
        test::writeFile(saved, test::readFile(journal));
        store.record(outcome("a1", DeliveryStatus::Delivered, clock.now()));
        store.flush();
        // Killed after the rewrite and before the journal was emptied: the journal still holds
        // lines the file has taken in.
        test::writeFile(journal, test::readFile(saved));
    });
    auto store = open();
    EXPECT_EQ(store->status({kRoute, "a1", kFrame}), DeliveryStatus::Delivered);
    EXPECT_TRUE(store->due(plugin.clock().now() + 1h, 10).empty());
}

TEST_F(JsonJournal, AJournalOfANewerStateFileIsRefusedByAWriter) {
    inKilledWriter([](StateStore& store, const Clock& clock) {
        store.record(outcome("a1", DeliveryStatus::Delivered, clock.now()));
        store.flush();
        store.record(outcome("a2", DeliveryStatus::Delivered, clock.now()));
    });
    // As if the state file had been put back from an older backup.
    auto lines = journalLines();
    ASSERT_EQ(lines.size(), 2u);
    ASSERT_THAT(lines[0], HasSubstr(R"("generation":1)"));
    test::writeFile(journal, cat(R"({"pixsync_journal":1,"generation":5})", "\n", lines[1], "\n"));
    Error e = test::errorFrom([&] { open(); });
    EXPECT_EQ(e.kind(), ErrorKind::State);
    EXPECT_THAT(e.what(), HasSubstr("journal " + journal.string() + " belongs to version 5"));
    EXPECT_THAT(e.what(), HasSubstr("which is at version 1"));
    // A reader may see a writer between its rewrite and the next line: it goes by the file.
    auto reader = open(OpenMode::ReadOnly);
    EXPECT_EQ(reader->status({kRoute, "a1", kFrame}), DeliveryStatus::Delivered);
    EXPECT_FALSE(reader->status({kRoute, "a2", kFrame}));
}

TEST_F(JsonJournal, IsForTheOwnerOnlyWhateverTheUmask) {
    const mode_t previous = ::umask(022);
    {
        auto store = open();
        store->record(outcome("a1", DeliveryStatus::Delivered, plugin.clock().now()));
        struct stat info {};
        ASSERT_EQ(::stat(journal.c_str(), &info), 0);
        EXPECT_EQ(info.st_mode & 07777, 0600u);
    }
    ::umask(previous);
}

TEST_F(JsonJournal, ARewriteEmptiesItAndAStopRemovesIt) {
    auto store = open();
    EXPECT_FALSE(fs::exists(journal));  // created with the first outcome
    store->record(outcome("a1", DeliveryStatus::Delivered, plugin.clock().now()));
    store->record(outcome("a2", DeliveryStatus::Delivered, plugin.clock().now()));
    EXPECT_EQ(journalLines().size(), 3u);
    store->flush();
    EXPECT_EQ(fs::file_size(journal), 0u);
    store->record(outcome("a3", DeliveryStatus::Delivered, plugin.clock().now()));
    EXPECT_THAT(journalLines().at(0), HasSubstr(R"("generation":1)"));
    store.reset();
    EXPECT_FALSE(fs::exists(journal));
    EXPECT_EQ(sentAsThePythonServiceReadsIt(), "a1,a2,a3");
}

}  // namespace

namespace {

// A journal far larger than any pixsync writes (planted, or another program's) is refused by
// its size before it is read into memory, by the daemon and by `status` alike, and is neither
// changed nor removed.
TEST_F(JsonJournal, AJournalOverItsCapIsRefusedUnreadAndLeftAsItIs) {
    inKilledWriter([](StateStore& store, const Clock& clock) {
        store.record(outcome("a1", DeliveryStatus::Delivered, clock.now()));
    });
    const std::string head = journalLines().front() + "\n";
    // This fixture's batch_size of 1000 allows (1000 + 500) * 4 KiB, 5.9 MiB: 7 MiB is over.
    test::writeFile(journal, head + std::string(7 << 20, ' ') + "\n");
    const auto before = fs::file_size(journal);
    for (OpenMode mode : {OpenMode::ReadWrite, OpenMode::ReadOnly}) {
        Error e = test::errorFrom([&] { open(mode); });
        EXPECT_EQ(e.kind(), ErrorKind::State);
        EXPECT_THAT(e.what(), HasSubstr("journal " + journal.string() + ": is 7."));
        EXPECT_THAT(e.what(), HasSubstr("it is not pixsync's journal"));
    }
    EXPECT_EQ(fs::file_size(journal), before) << "left as it was";
    // At the cap itself it is read (its last line, not JSON, is taken for one cut short).
    test::writeFile(journal, head + std::string((1500u << 12) - head.size() - 1, ' ') + "\n");
    EXPECT_NO_THROW(open(OpenMode::ReadOnly));
}

}  // namespace
