// "jsonl-log": a sink that delivers nothing anywhere but appends one JSON line per delivery
// (time, route, asset id, file name, destination, bytes) to a file. An example of a complete
// out-of-tree plugin: options, validation, outcomes, errors, logging, the entry point.
//
// Options:  file (required)  the log to append to; relative paths resolve against the config
// Destinations: any non-empty label ("kitchen"); it is written into each line.

#include <fcntl.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "pixsync/error.hpp"
#include "pixsync/plugin.hpp"
#include "pixsync/util/strings.hpp"

namespace jsonl_log {

using namespace pixsync;

namespace {

/// One delivery as a JSON object on one line (RapidJSON escapes every string).
std::string jsonLine(const std::string& time, const DeliveryRequest& request,
                     const std::string& destination) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> line(buffer);
    line.StartObject();
    const std::pair<const char*, const std::string*> fields[] = {{"time", &time},
                                                                 {"route", &request.route},
                                                                 {"asset", &request.asset.id},
                                                                 {"file", &request.asset.fileName},
                                                                 {"destination", &destination}};
    for (const auto& [key, value] : fields) {
        line.Key(key);
        line.String(value->data(), static_cast<rapidjson::SizeType>(value->size()));
    }
    line.Key("bytes");
    line.Uint64(request.media.size);
    line.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace

/// Appends delivery records to a file.
class JsonlLogSink final : public Sink {
  public:
    JsonlLogSink(std::filesystem::path file, const PluginContext& context)
        : file_(std::move(file)), log_(context.log), clock_(context.clock) {}

    std::vector<Outcome> deliver(const DeliveryRequest& request,
                                 const std::vector<Destination>& destinations) override {
        std::string lines;
        for (const auto& d : destinations)
            lines += jsonLine(isoUtc(clock_.now()), request, d.address);
        // One write of whole lines with O_APPEND: lines never interleave or tear.
        const int fd = ::open(file_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            // Nothing can be delivered while the file cannot be opened: the engine keeps the
            // deliveries queued and retries later.
            throw unavailableError(cat("cannot open ", file_.string(), ": ", std::strerror(errno)));
        const ssize_t written = ::write(fd, lines.data(), lines.size());
        const int writeError = errno;
        ::close(fd);
        if (written != static_cast<ssize_t>(lines.size())) {
            const std::string why = cat("cannot append to ", file_.string(), ": ",
                                        written < 0 ? std::strerror(writeError) : "short write");
            log_.warning(why);
            return std::vector<Outcome>(destinations.size(), Outcome::retryLater(why));
        }
        log_.debug(
            cat("logged ", request.asset.id, " for ", destinations.size(), " destination(s)"));
        return std::vector<Outcome>(destinations.size(), Outcome::delivered(request.media.size));
    }

    std::string validateDestination(const Destination& destination) const override {
        if (destination.address.empty()) return "a destination label must not be empty";
        return {};
    }

    void check(CheckReport& report) override {
        const std::string subject = cat("jsonl-log: ", file_.string());
        if (::access(file_.parent_path().empty() ? "." : file_.parent_path().c_str(), W_OK) == 0)
            report.pass(subject, "its folder is writable");
        else
            report.fail(subject, std::strerror(errno), "create the folder or make it writable");
    }

  private:
    std::filesystem::path file_;
    Logger log_;
    const Clock& clock_;
};

/// The factory: reads the options, contacts nothing. pixsync has already checked them against
/// kOptions below (unknown keys, types, the required `file`); path() throws naming the key if
/// the file is missing all the same.
std::unique_ptr<Sink> create(const Options& options, const PluginContext& context) {
    return std::make_unique<JsonlLogSink>(options.path("file"), context);
}

/// What `pixsync plugins --options jsonl-log` prints and what the configuration is checked against.
constexpr OptionDeclaration kOptions[] = {
    {.name = "file",
     .type = OptionType::Path,
     .required = true,
     .description = "the log to append to; relative paths resolve against the config"},
};

}  // namespace jsonl_log

#ifndef PIXSYNC_TEST_ABI_MAJOR
PIXSYNC_SINK_PLUGIN("jsonl-log", "1.0.0", "Appends one JSON line per delivery to a file",
                    &jsonl_log::create, jsonl_log::kOptions)
#else
// Test hook only (see CMakeLists.txt): the same plugin claiming another ABI major version.
extern "C" __attribute__((visibility("default"))) const pixsync::PluginDescriptor*
pixsync_plugin_descriptor(void) {
    static const pixsync::PluginDescriptor descriptor{
        PIXSYNC_TEST_ABI_MAJOR,
        pixsync::kPluginAbiMinor,
        pixsync::PluginKind::Sink,
        "jsonl-log",
        "1.0.0",
        "Appends one JSON line per delivery to a file",
        nullptr,
        &jsonl_log::create,
        nullptr,
        pixsync::optionList(jsonl_log::kOptions),
        PIXSYNC_CXX_RUNTIME};
    return &descriptor;
}
#endif
