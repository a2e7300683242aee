#pragma once
// Lets a test that runs as root (as CI does) see file permissions the way a normal user does.

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace pixsync::test {

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

}  // namespace pixsync::test
