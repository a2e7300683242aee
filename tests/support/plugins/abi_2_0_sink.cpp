// Test sink "test-abi-2-0": built the way a plugin was before ABI 2.1, with the descriptor
// as it was then (no declared options, abiMinor 0). The loader must accept it and leave its
// options unchecked. It appends "<route> <asset> <destination>" to `record_file`.
#include <fstream>

#include "pixsync/plugin.hpp"

namespace {

using namespace pixsync;

/// PluginDescriptor of ABI 2.0, field for field: what such a plugin's binary holds.
struct DescriptorAbi20 {
    std::uint32_t abiMajor;
    std::uint32_t abiMinor;
    PluginKind kind;
    const char* name;
    const char* version;
    const char* description;
    SourceFactory createSource;
    SinkFactory createSink;
    StateStoreFactory createStateStore;
};

class RecordingSink final : public Sink {
  public:
    explicit RecordingSink(std::filesystem::path file) : file_(std::move(file)) {}
    std::vector<Outcome> deliver(const DeliveryRequest& r,
                                 const std::vector<Destination>& dests) override {
        std::vector<Outcome> out;
        for (const auto& d : dests) {
            std::ofstream(file_, std::ios::app)
                << r.route << ' ' << r.asset.id << ' ' << d.address << '\n';
            out.push_back(Outcome::delivered(r.media.size));
        }
        return out;
    }

  private:
    std::filesystem::path file_;
};

std::unique_ptr<Sink> make(const Options& options, const PluginContext&) {
    return std::make_unique<RecordingSink>(options.path("record_file"));
}

}  // namespace

extern "C" __attribute__((visibility("default"))) const void* pixsync_plugin_descriptor() {
    static const DescriptorAbi20 d{2,
                                   0,
                                   PluginKind::Sink,
                                   "test-abi-2-0",
                                   "0.0.1",
                                   "a plugin built before declared options",
                                   nullptr,
                                   make,
                                   nullptr};
    return &d;
}
