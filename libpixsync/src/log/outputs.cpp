// Log outputs: standard error, and a size-rotated file through Poco's FileChannel.
#include <Poco/AutoPtr.h>
#include <Poco/FileChannel.h>
#include <Poco/Message.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "pixsync/error.hpp"
#include "pixsync/log.hpp"
#include "pixsync/util/private_file.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync {

namespace {

class StderrOutput final : public LogOutput {
  public:
    void write(LogLevel, std::string_view line) override {
        std::lock_guard lock(mutex_);
        std::fwrite(line.data(), 1, line.size(), stderr);
        std::fputc('\n', stderr);
        std::fflush(stderr);
    }

  private:
    std::mutex mutex_;
};

class RotatingFileOutput final : public LogOutput {
  public:
    RotatingFileOutput(const std::filesystem::path& file, std::uint64_t maxBytes, unsigned keep)
        : path_(file), channel_(new Poco::FileChannel(file.string())) {
        channel_->setProperty("rotation", std::to_string(maxBytes));
        channel_->setProperty("archive", "number");
        channel_->setProperty("purgeCount", std::to_string(keep));
        channel_->setProperty("flush", "true");
        // Poco creates the file with the umask's mode; made here first, it is private.
        if (!createPrivateFile(file))
            throw configError(cat("cannot open log file ", file.string(), ": ",
                                  std::strerror(errno),
                                  " (check the folder exists and is writable, or set LOG_FILE)"));
        try {
            channel_->open();
        } catch (const Poco::Exception& e) {
            throw configError("cannot open log file " + file.string() + ": " + e.displayText() +
                              " (check the folder exists and is writable, or set LOG_FILE)");
        }
    }
    ~RotatingFileOutput() override { channel_->close(); }

    void write(LogLevel, std::string_view line) override {
        std::lock_guard lock(mutex_);
        const auto before = channel_->size();
        channel_->log(Poco::Message("pixsync", std::string(line), Poco::Message::PRIO_INFORMATION));
        // A rotation moved the full file aside and Poco created a new one with the umask's
        // mode: make that private too (the archives keep the mode they had).
        if (channel_->size() < before) ::chmod(path_.c_str(), kPrivateFileMode);
    }

  private:
    std::mutex mutex_;
    std::filesystem::path path_;
    Poco::AutoPtr<Poco::FileChannel> channel_;
};

}  // namespace

std::shared_ptr<LogOutput> makeStderrOutput() { return std::make_shared<StderrOutput>(); }

std::shared_ptr<LogOutput> makeRotatingFileOutput(const std::filesystem::path& file,
                                                  std::uint64_t maxBytes, unsigned keep) {
    return std::make_shared<RotatingFileOutput>(file, maxBytes, keep);
}

}  // namespace pixsync
