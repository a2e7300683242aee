#pragma once
// Runs the real pixsync binary against the test plugins (a listing file as the source, a
// recording sink) and the real sqlite state store.

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "test_support.hpp"

namespace pixsync::test {

class CliTest : public ::testing::Test {
  protected:
    TempDir dir;

    CliTest() {
        writeFile(dir / "listing.jsonl", "");
        writeConfig();
    }

    /// A native config feeding one route from listing.jsonl into record.txt.
    void writeConfig(const std::string& extra = "", const std::string& sinkPlugin = "test-recorder",
                     const std::string& sourceOptions = "") {
        writeFile(dir / "pixsync.json", R"({
  "state": {"plugin": "sqlite", "options": {"path": "state.db"}},
  "plugin_dirs": [")" + (testPluginsDir() / "good").string() +
                                            R"("],
  "sources": [{"name": "files", "plugin": "test-listing", "options": {)" +
                                            sourceOptions + R"("listing_file": "listing.jsonl"}}],
  "sinks": [{"name": "frames", "plugin": ")" +
                                            sinkPlugin +
                                            R"(", "options": {"record_file": "record.txt"}}],
  "routes": [{"id": "john@example.com", "destinations": ["john-frame@mypixstar.com", "kitchen@mypixstar.com"]}],
  "poll_interval_seconds": 10,
  "log": {"file": "pixsync.log"})" + extra + R"(
})");
    }

    void favorite(const std::string& id, const std::string& file = "") {
        std::ofstream(dir / "listing.jsonl", std::ios::app)
            << R"({"id": ")" << id << R"(", "file": ")" << (file.empty() ? id + ".jpg" : file)
            << "\"}\n";
    }

    CommandResult pixsync(std::vector<std::string> args,
                          std::map<std::string, std::string> env = {}) {
        args.insert(args.begin(), cliPath().string());
        args.push_back("--config");
        args.push_back((dir / "pixsync.json").string());
        return run(args, env, dir.path(), 60);
    }

    std::vector<std::string> deliveries() {
        std::vector<std::string> lines;
        std::ifstream in(dir / "record.txt");
        for (std::string l; std::getline(in, l);) lines.push_back(l);
        return lines;
    }
};

}  // namespace pixsync::test
