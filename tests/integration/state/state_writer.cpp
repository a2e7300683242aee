// A writer process for the crash and concurrency tests. It opens a state store plugin and
// reports on stdout, one line each, what the store has acknowledged:
//
//   state_writer <plugin.so> <state file> write <prefix> <count> [flush_every]
//       records <count> deliveries "<prefix>-<i>" as Delivered (every tenth one first
//       committed as Queued by a plan) and prints "D <asset>" / "Q <asset>" once durable:
//       after the call returns, or with flush_every > 0 after the flush() that follows it.
//       The JSON store writes plans with its next rewrite (a lost plan is re-planned from
//       the unchanged cursor): it is flushed after every third outcome, which acknowledges
//       the plans before it.
//   state_writer <plugin.so> <state file> hold
//       takes the writer lock, prints "ready <pid>", and waits to be killed.
//
// Output goes through write(2) unbuffered, so a line the parent reads was acknowledged
// before the process could be killed.
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "pixsync/error.hpp"
#include "pixsync/host/plugin_registry.hpp"

using namespace pixsync;

namespace {

void say(const std::string& line) {
    std::string text = line + "\n";
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        ssize_t n = ::write(1, p, left);
        if (n <= 0) std::_Exit(3);
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

int write(StateStore& store, const Clock& clock, const std::string& prefix, long count,
          long flushEvery, bool flushPlans) {
    const std::string route = "route@example.com";
    const std::string frame = "frame@mypixstar.com";
    say(std::string("ready ") + std::to_string(::getpid()));
    std::vector<std::string> pending;
    std::vector<std::string> unflushedPlans;
    for (long i = 0; i < count; ++i) {
        const std::string asset = prefix + "-" + std::to_string(i);
        if (i % 10 == 0) {
            Plan plan;
            plan.route = route;
            QueuedDelivery q;
            q.key = {route, asset + "-q", frame};
            q.asset.id = asset + "-q";
            q.asset.fileName = "IMG_" + asset + ".JPG";
            q.nextAttempt = clock.now() + std::chrono::hours(1);
            plan.queue.push_back(q);
            plan.listed.push_back(q.asset);
            plan.cursor.value = asset;
            store.commit(plan);
            (flushPlans ? unflushedPlans : pending).push_back("Q " + asset + "-q");
        }
        DeliveryRecord r;
        r.key = {route, asset, frame};
        r.status = DeliveryStatus::Delivered;
        r.checksum = "sum-" + asset;
        r.sink = "gmail";
        r.attempts = 1;
        r.at = clock.now();
        r.bytes = 1000;
        store.record(r);
        pending.push_back("D " + asset);
        if (flushEvery <= 0 || (i + 1) % flushEvery == 0) {
            if (flushEvery > 0) store.flush();
            for (const auto& line : pending) say(line);
            pending.clear();
        }
        if (flushPlans && (i + 1) % 3 == 0) {
            store.flush();
            for (const auto& line : unflushedPlans) say(line);
            unflushedPlans.clear();
        }
    }
    store.flush();
    for (const auto& line : pending) say(line);
    for (const auto& line : unflushedPlans) say(line);
    say("done");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() < 3) {
        std::cerr << "usage: state_writer <plugin.so> <state file> write|hold ...\n";
        return 2;
    }
    try {
        PluginRegistry registry;
        const LoadedPlugin& plugin = registry.load(args[0]);
        SystemClock clock;
        PluginContext context{"state", Logger(), clock, "."};
        Options options;
        options.set("path", args[1]);
        if (plugin.name() == "json") options.set("batch_size", std::int64_t{1'000'000});
        auto store = plugin.descriptor->createStateStore(options, context, OpenMode::ReadWrite);
        if (args[2] == "hold") {
            say(std::string("ready ") + std::to_string(::getpid()));
            for (;;) ::pause();
        }
        if (args[2] == "write" && args.size() >= 5)
            return write(*store, clock, args[3], std::stol(args[4]),
                         args.size() > 5 ? std::stol(args[5]) : 0, plugin.name() == "json");
        std::cerr << "unknown command " << args[2] << "\n";
        return 2;
    } catch (const Error& e) {
        std::cerr << "error (" << toString(e.kind()) << "): " << e.what() << "\n";
        return 1;
    }
}
