#pragma once
// Shared helpers of the folder sink tests: the plugin loaded from disk, and a way to make a
// folder read-only even for root.

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "captured_log.hpp"
#include "pixsync/plugin.hpp"
#include "pixsync/plugin_registry.hpp"
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

/// While alive, file permissions apply to this thread even when it runs as root: drops
/// CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the thread's effective capabilities (they
/// stay permitted and are restored at destruction). Without it a chmod 0555 folder would
/// still be writable for root, and the read-only tests would prove nothing.
class PermissionsApply {
  public:
    PermissionsApply() {
        if (::geteuid() != 0) return;
        if (::syscall(SYS_capget, &header_, saved_) != 0) return;
        __user_cap_data_struct reduced[2] = {saved_[0], saved_[1]};
        reduced[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
        active_ = ::syscall(SYS_capset, &header_, reduced) == 0;
    }
    ~PermissionsApply() {
        if (active_) ::syscall(SYS_capset, &header_, saved_);
    }
    PermissionsApply(const PermissionsApply&) = delete;
    PermissionsApply& operator=(const PermissionsApply&) = delete;
    /// False when running as root and the capabilities could not be dropped.
    bool works() const { return ::geteuid() != 0 || active_; }

  private:
    __user_cap_header_struct header_{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct saved_[2]{};
    bool active_ = false;
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
