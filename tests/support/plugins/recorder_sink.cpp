// Test sink "test-recorder": appends one line per delivery ("<route> <asset> <destination>") to
// the file named by the option `record_file`. Destinations must contain '@'. An asset whose
// file name starts with "reject" fails for good; "retry" asks to be retried; "throw" makes
// deliver() throw std::out_of_range (a plugin bug the engine must survive). The option
// `start_warning` is logged as a warning when an instance is created (as real sinks warn
// about risky settings).
#include <fstream>
#include <stdexcept>

#include "pixsync/error.hpp"
#include "pixsync/plugin.hpp"
#include "pixsync/util/strings.hpp"

namespace {

using namespace pixsync;

class RecorderSink final : public Sink {
  public:
    explicit RecorderSink(std::filesystem::path file) : file_(std::move(file)) {}

    std::vector<Outcome> deliver(const DeliveryRequest& r,
                                 const std::vector<Destination>& dests) override {
        std::vector<Outcome> out;
        if (r.asset.fileName.rfind("throw", 0) == 0) return {out.at(dests.size())};
        for (const auto& d : dests) {
            if (r.asset.fileName.rfind("reject", 0) == 0) {
                out.push_back(Outcome::failed("550 rejected by the test sink"));
                continue;
            }
            if (r.asset.fileName.rfind("retry", 0) == 0) {
                out.push_back(Outcome::retryLater("451 try later"));
                continue;
            }
            std::ofstream(file_, std::ios::app)
                << r.route << ' ' << r.asset.id << ' ' << d.address << '\n';
            out.push_back(Outcome::delivered(r.media.size));
        }
        return out;
    }

    std::string validateDestination(const Destination& d) const override {
        return d.address.find('@') == std::string::npos
                   ? "'" + d.address + "' is not an e-mail address"
                   : "";
    }

  private:
    std::filesystem::path file_;
};

std::unique_ptr<Sink> make(const Options& options, const PluginContext& context) {
    if (options.has("start_warning")) context.log.warning(options.string("start_warning"));
    return std::make_unique<RecorderSink>(options.path("record_file"));
}

}  // namespace

PIXSYNC_SINK_PLUGIN("test-recorder", "0.0.1", "test sink recording deliveries in a file", make)
