#pragma once
// Shared helpers of the folder sink tests: the plugin loaded from disk, and a way to make a
// folder read-only even for root (permissions_apply.hpp).

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "captured_log.hpp"
#include "permissions_apply.hpp"
#include "pixsync/host/plugin_registry.hpp"
#include "pixsync/plugin.hpp"
#include "test_support.hpp"

namespace pixsync::test {

/// The built plugin and one sink made by its factory.
class FolderHarness {
  public:
    explicit FolderHarness(const Options& options) {
        registry_.load(pluginDir() / "pixsync-folder.so");
        output_ = std::make_shared<CapturedLog>();
        log_.addOutput(output_);
        const PluginContext context{"share", log_.tagged("folder"), clock_, temp_.path()};
        sink_ = registry_.find("folder", PluginKind::Sink).descriptor->createSink(options, context);
    }
    Sink& sink() { return *sink_; }
    FakeClock& clock() { return clock_; }
    Logger& log() { return log_; }
    std::string logText() const { return output_->text(); }
    /// Destroys the sink (which writes its indexes).
    void close() { sink_.reset(); }
    /// Creates another instance with other options, for configuration errors.
    std::unique_ptr<Sink> create(const Options& options) {
        const PluginContext context{"share", log_, clock_, temp_.path()};
        return registry_.find("folder", PluginKind::Sink).descriptor->createSink(options, context);
    }

  private:
    PluginRegistry registry_;
    FakeClock clock_;
    Logger log_;
    std::shared_ptr<CapturedLog> output_;
    TempDir temp_;
    std::unique_ptr<Sink> sink_;
};

/// Every regular file below `dir` (hidden ones included), relative to it.
inline std::vector<std::string> filesBelow(const std::filesystem::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
        if (e.is_regular_file()) names.push_back(std::filesystem::relative(e.path(), dir).string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace pixsync::test
