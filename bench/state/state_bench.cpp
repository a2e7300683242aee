// pixsync-bench-state: how the state stores behave at the sizes a large library reaches.
//
//   pixsync-bench-state [--plugin-dir DIR] [--dir DIR] [--sqlite-sizes 100000,1000000]
//                       [--json-size 100000] [--json FILE]
//
// SQLite: bulk insert rate (plans of 1,000 queued deliveries, one transaction each), the
// rate of durable single record() calls, and lookup rates (status, findByChecksum, due,
// countDelivered) at each size. JSON: opening a state of --json-size records, then one pass
// of 1,000 new outcomes at the default batch size (time and bytes written). Each store runs
// in its own child process so its peak memory (getrusage maxrss) is its own.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "pixsync/error.hpp"
#include "pixsync/host/plugin_registry.hpp"
#include "pixsync/util/strings.hpp"

using namespace pixsync;
namespace fs = std::filesystem;
using Stopwatch = std::chrono::steady_clock;

namespace {

/// One measured figure.
struct Figure {
    std::string store;
    std::string name;
    double value;
    std::string unit;
};

double secondsSince(Stopwatch::time_point start) {
    return std::chrono::duration<double>(Stopwatch::now() - start).count();
}

long peakKilobytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

/// Bytes this process has passed to write() so far (/proc/self/io "wchar").
std::uint64_t bytesWrittenByProcess() {
    std::ifstream in("/proc/self/io");
    for (std::string key; in >> key;) {
        std::uint64_t value = 0;
        in >> value;
        if (key == "wchar:") return value;
    }
    return 0;
}

const std::vector<std::string> kRoutes = {"john.doe@example.com", "jane.doe@example.com",
                                          "kid@example.com"};
const std::string kFrame = "frame@mypixstar.com";

std::string assetId(std::uint64_t n) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%08llx-0000-4000-8000-%012llx",
                  static_cast<unsigned long long>(n * 2654435761ULL % 0xffffffffULL),
                  static_cast<unsigned long long>(n));
    return buffer;
}
DeliveryKey keyOf(std::uint64_t n) { return {kRoutes[n % kRoutes.size()], assetId(n), kFrame}; }
std::string checksumOf(std::uint64_t n) { return "sha1-" + std::to_string(n * 7919); }

QueuedDelivery queued(std::uint64_t n, TimePoint next) {
    QueuedDelivery q;
    q.key = keyOf(n);
    q.asset.id = q.key.assetId;
    q.asset.checksum = checksumOf(n);
    q.asset.fileName = "IMG_" + std::to_string(n) + ".HEIC";
    q.asset.mimeType = "image/heic";
    q.asset.kind = AssetKind::Image;
    q.asset.sizeBytes = 2'500'000;
    q.nextAttempt = next;
    return q;
}

DeliveryRecord delivered(std::uint64_t n, TimePoint at) {
    DeliveryRecord r;
    r.key = keyOf(n);
    r.checksum = checksumOf(n);
    r.sink = "gmail";
    r.attempts = 1;
    r.at = at;
    r.bytes = 350'000;
    return r;
}

class Bench {
  public:
    Bench(fs::path pluginDir, fs::path workDir)
        : pluginDir_(std::move(pluginDir)), work_(std::move(workDir)) {}

    std::unique_ptr<StateStore> open(const std::string& store, const Options& options) {
        if (!plugin_) plugin_ = &registry_.load(pluginDir_ / ("pixsync-" + store + ".so"));
        return plugin_->descriptor->createStateStore(options, context_, OpenMode::ReadWrite);
    }
    void add(const std::string& store, const std::string& name, double value,
             const std::string& unit) {
        figures.push_back({store, name, value, unit});
    }

    void sqlite(const std::vector<std::uint64_t>& sizes);
    void json(std::uint64_t size);

    std::vector<Figure> figures;

  private:
    void lookups(StateStore& s, const std::string& at, std::uint64_t size);

    fs::path pluginDir_;
    fs::path work_;
    PluginRegistry registry_;
    const LoadedPlugin* plugin_ = nullptr;
    SystemClock clock_;
    PluginContext context_{"bench", Logger(), clock_, fs::temp_directory_path()};
};

void Bench::lookups(StateStore& s, const std::string& at, std::uint64_t size) {
    std::mt19937_64 random(42);
    std::uniform_int_distribution<std::uint64_t> pick(0, size - 1);
    const int n = 20'000;
    auto start = Stopwatch::now();
    for (int i = 0; i < n; ++i)
        if (!s.status(keyOf(pick(random)))) throw std::runtime_error("missing record");
    add("sqlite", "status() lookups at " + at, n / secondsSince(start), "/s");
    start = Stopwatch::now();
    for (int i = 0; i < n; ++i)
        if (!s.findByChecksum(kFrame, checksumOf(pick(random))))
            throw std::runtime_error("missing checksum");
    add("sqlite", "findByChecksum() at " + at, n / secondsSince(start), "/s");
    start = Stopwatch::now();
    const int dueCalls = 200;
    for (int i = 0; i < dueCalls; ++i) s.due(clock_.now(), 100);
    add("sqlite", "due(now, 100) at " + at, dueCalls / secondsSince(start), "/s");
    start = Stopwatch::now();
    std::uint64_t counted = 0;
    for (int i = 0; i < dueCalls; ++i)
        counted += s.countDelivered("gmail", clock_.now() - std::chrono::hours(24));
    add("sqlite", "countDelivered(24 h window) at " + at, dueCalls / secondsSince(start), "/s");
    (void)counted;
}

void Bench::sqlite(const std::vector<std::uint64_t>& sizes) {
    const fs::path db = work_ / "bench_state.db";
    Options options;
    options.set("path", db.string());
    auto s = open("sqlite", options);
    const TimePoint now = clock_.now();
    std::uint64_t have = 0;
    for (std::uint64_t size : sizes) {
        const std::string at =
            size >= 1'000'000 ? cat(size / 1'000'000, "M") : cat(size / 1000, "k");
        // Every record starts queued: one in ten due now (a busy outbox), the rest far ahead,
        // so due() has real work and the indexes hold the whole table.
        auto start = Stopwatch::now();
        const std::uint64_t before = have;
        while (have < size) {
            Plan plan;
            plan.route = kRoutes[0];
            for (int i = 0; i < 10000 && have < size; ++i, ++have)
                plan.queue.push_back(queued(have, have % 10 == 0
                                                      ? now - std::chrono::hours(1)
                                                      : now + std::chrono::hours(24 * 365)));
            s->commit(plan);
        }
        add("sqlite", "bulk insert to " + at + " (10,000 per transaction)",
            static_cast<double>(have - before) / secondsSince(start), "records/s");
        // Outcomes are durable one by one (a synced transaction per call): measured on a sample.
        start = Stopwatch::now();
        const int durable = 300;
        for (int i = 0; i < durable; ++i)
            s->record(delivered(static_cast<std::uint64_t>(i) * 13 % size, now));
        add("sqlite", "record() durable calls at " + at, durable / secondsSince(start), "calls/s");
        lookups(*s, at, size);
        add("sqlite", "database size at " + at, static_cast<double>(fs::file_size(db)) / 1e6, "MB");
    }
    s.reset();
    add("sqlite", "peak memory", static_cast<double>(peakKilobytes()) / 1024.0, "MB");
}

void Bench::json(std::uint64_t size) {
    const fs::path file = work_ / "bench_state.json";
    const TimePoint now = clock_.now();
    {
        Options options;
        options.set("path", file.string());
        options.set("batch_size", std::int64_t{1'000'000});
        auto s = open("json", options);
        for (std::uint64_t i = 0; i < size; ++i) s->record(delivered(i, now));
        auto start = Stopwatch::now();
        s->flush();
        add("json", cat("one rewrite of ", size / 1000, "k records"), secondsSince(start) * 1000,
            "ms");
    }
    add("json", cat("file size at ", size / 1000, "k"),
        static_cast<double>(fs::file_size(file)) / 1e6, "MB");
    Options options;
    options.set("path", file.string());
    auto start = Stopwatch::now();
    auto s = open("json", options);
    add("json", cat("open (parse) at ", size / 1000, "k"), secondsSince(start) * 1000, "ms");
    const std::uint64_t writtenBefore = bytesWrittenByProcess();
    start = Stopwatch::now();
    for (std::uint64_t i = size; i < size + 1000; ++i) s->record(delivered(i, now));
    s->flush();
    const double passSeconds = secondsSince(start);
    add("json", cat("pass of 1,000 outcomes over ", size / 1000, "k (batch 200)"),
        passSeconds * 1000, "ms");
    add("json", "bytes written by that pass",
        static_cast<double>(bytesWrittenByProcess() - writtenBefore) / 1e6, "MB");
    start = Stopwatch::now();
    std::mt19937_64 random(42);
    std::uniform_int_distribution<std::uint64_t> pick(0, size - 1);
    for (int i = 0; i < 100'000; ++i)
        if (!s->status(keyOf(pick(random)))) throw std::runtime_error("missing record");
    add("json", cat("status() lookups at ", size / 1000, "k"), 100'000 / secondsSince(start), "/s");
    s.reset();
    add("json", "peak memory", static_cast<double>(peakKilobytes()) / 1024.0, "MB");
}

/// Runs `body` in a child process and returns the figures it measured.
template <class Body>
std::vector<Figure> isolated(Body body) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        std::ostringstream out;
        int code = 0;
        try {
            for (const Figure& f : body())
                out << f.store << '\t' << f.name << '\t' << f.value << '\t' << f.unit << '\n';
        } catch (const std::exception& e) {
            std::cerr << "benchmark failed: " << e.what() << "\n";
            code = 1;
        }
        std::string text = out.str();
        for (std::size_t done = 0; done < text.size();) {
            ssize_t n = ::write(fds[1], text.data() + done, text.size() - done);
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
        ::_exit(code);
    }
    ::close(fds[1]);
    std::string text;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;)
        text.append(buffer, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("a benchmark child failed");
    std::vector<Figure> figures;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        auto parts = split(line, '\t');
        if (parts.size() == 4)
            figures.push_back({parts[0], parts[1], std::stod(parts[2]), parts[3]});
    }
    return figures;
}

std::string jsonEscape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    fs::path pluginDir = defaultPluginDir();
    fs::path workDir;
    fs::path jsonOut;
    std::vector<std::uint64_t> sqliteSizes = {100'000, 1'000'000};
    std::uint64_t jsonSize = 100'000;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        std::string value = argv[i + 1];
        if (flag == "--plugin-dir")
            pluginDir = value;
        else if (flag == "--dir")
            workDir = value;
        else if (flag == "--json")
            jsonOut = value;
        else if (flag == "--json-size")
            jsonSize = std::stoull(value);
        else if (flag == "--sqlite-sizes") {
            sqliteSizes.clear();
            for (const auto& s : split(value, ',')) sqliteSizes.push_back(std::stoull(s));
        } else {
            std::cerr << "unknown option " << flag << "\n";
            return 2;
        }
    }
    if (argc % 2 == 0) {
        std::cerr << "usage: pixsync-bench-state [--plugin-dir DIR] [--dir DIR] "
                     "[--sqlite-sizes N,N] [--json-size N] [--json FILE]\n";
        return 2;
    }
    bool ownDir = workDir.empty();
    if (ownDir) {
        std::string pattern = (fs::temp_directory_path() / "pixsync-bench-state-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) return 1;
        workDir = pattern;
    }
    std::vector<Figure> figures;
    try {
        auto sqliteFigures = isolated([&] {
            Bench b(pluginDir, workDir);
            b.sqlite(sqliteSizes);
            return b.figures;
        });
        auto jsonFigures = isolated([&] {
            Bench b(pluginDir, workDir);
            b.json(jsonSize);
            return b.figures;
        });
        figures = sqliteFigures;
        figures.insert(figures.end(), jsonFigures.begin(), jsonFigures.end());
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n";
        if (ownDir) fs::remove_all(workDir);
        return 1;
    }
    if (ownDir) fs::remove_all(workDir);

    std::printf("%-8s %-52s %14s  %s\n", "store", "measure", "value", "unit");
    for (const Figure& f : figures)
        std::printf("%-8s %-52s %14.1f  %s\n", f.store.c_str(), f.name.c_str(), f.value,
                    f.unit.c_str());
    if (!jsonOut.empty()) {
        std::ofstream out(jsonOut);
        out << "{\"benchmark\": \"state\", \"figures\": [\n";
        for (std::size_t i = 0; i < figures.size(); ++i)
            out << "  {\"store\": \"" << figures[i].store << "\", \"measure\": \""
                << jsonEscape(figures[i].name) << "\", \"value\": " << figures[i].value
                << ", \"unit\": \"" << figures[i].unit << "\"}"
                << (i + 1 < figures.size() ? ",\n" : "\n");
        out << "]}\n";
    }
    return 0;
}
