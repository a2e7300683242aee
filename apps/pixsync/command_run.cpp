// `pixsync run`: the daemon. Polls and delivers until SIGTERM/SIGINT (exit 0), reloads the
// configuration on SIGHUP (an invalid new one is refused and the old one kept), and carries
// out `pixsync resend` requests on SIGUSR1.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "app.hpp"
#include "pixsync/error.hpp"
#include "pixsync/host/health.hpp"
#include "pixsync/host/pipeline.hpp"
#include "pixsync/host/runner.hpp"
#include "pixsync/host/status_report.hpp"
#include "pixsync/util/private_file.hpp"
#include "pixsync/util/strings.hpp"
#include "poll_interval.hpp"
#include "resend_requests.hpp"
#include "systemd_notify.hpp"
#include "thumbnails.hpp"

namespace pixsync::cli {

namespace {

/// How long a stop may take before the process ends anyway. Outcomes are committed as they
/// happen, so ending here loses nothing: a delivery in flight stays queued and is sent again.
constexpr auto kStopGrace = std::chrono::milliseconds(4500);

/// Signals are taken synchronously by a dedicated thread, so nothing runs in a signal handler.
class SignalWatcher {
  public:
    SignalWatcher() {
        sigemptyset(&set_);
        for (int s : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) sigaddset(&set_, s);
        pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    }
    /// Waits for the next signal.
    int wait() {
        int sig = 0;
        sigwait(&set_, &sig);
        return sig;
    }

  private:
    sigset_t set_;
};

/// Writes the pid file, and removes it again on destruction.
class PidFile {
  public:
    explicit PidFile(std::string path) : path_(std::move(path)) {
        if (path_.empty()) return;
        const std::string pid = std::to_string(::getpid()) + "\n";
        const int fd = openPrivateFile(path_, O_WRONLY | O_TRUNC);
        const bool written =
            fd >= 0 && ::write(fd, pid.data(), pid.size()) == static_cast<ssize_t>(pid.size());
        const int error = errno;
        if (fd >= 0) ::close(fd);
        if (!written)
            throw Error(ErrorKind::Unavailable,
                        cat("cannot write the pid file ", path_, " (", std::strerror(error), ")"));
    }
    ~PidFile() {
        if (!path_.empty()) ::unlink(path_.c_str());
    }

  private:
    std::string path_;
};

/// Detaches from the terminal. The parent waits until the child reports that it started (or
/// why it could not), so `run --daemon` still fails visibly with the right exit code.
int daemonize(int* reportFd) {
    int fds[2];
    if (::pipe(fds) != 0) throw Error(ErrorKind::Internal, "pipe failed");
    pid_t pid = ::fork();
    if (pid < 0) throw Error(ErrorKind::Internal, "fork failed");
    if (pid > 0) {
        ::close(fds[1]);
        std::string message;
        char buf[512];
        ssize_t n;
        while ((n = ::read(fds[0], buf, sizeof buf)) > 0)
            message.append(buf, static_cast<std::size_t>(n));
        if (message.rfind("ok", 0) == 0) ::_exit(0);
        if (message.empty()) message = "9the daemon exited during start-up; see the log file";
        std::fprintf(stderr, "pixsync: %s\n", message.substr(1).c_str());
        ::_exit(message[0] - '0');
    }
    ::close(fds[0]);
    ::setsid();
    if (::fork() > 0) ::_exit(0);  // no session leader: the daemon can never regain a terminal
    int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    if (null > 2) ::close(null);
    *reportFd = fds[1];
    return 1;
}

void report(int fd, const std::string& message) {
    if (fd < 0) return;
    auto n = ::write(fd, message.data(), message.size());
    (void)n;
    ::close(fd);
}

}  // namespace

int runDaemon(App& app, const RunOptions& options) {
    // Blocked before any thread exists, so every thread inherits the mask and only the
    // watcher below ever sees these signals.
    SignalWatcher signals;
    Config config = app.loadConfig();
    app.loadPlugins(config.pluginDirs);
    // Before detaching, validate everything that can be validated, so mistakes (and
    // warnings) show in the terminal. In the foreground the pipeline below does that itself.
    if (options.daemon) {
        Pipeline probe(config, app.registry, app.log, app.clock, std::nullopt);
    }

    int reportFd = -1;
    if (options.daemon) {
        daemonize(&reportFd);
        app.log.clearOutputs();
    }
    std::unique_ptr<Thumbnails> thumbnails;  // before the pipeline: its sinks hold it
    std::unique_ptr<Pipeline> pipeline;
    std::unique_ptr<PidFile> pidFile;
    std::unique_ptr<PidFile> daemonMarkerFile;  // tells `pixsync resend` a daemon takes requests
    std::optional<Duration> testInterval;
    try {
        app.openLogFile(config);
        testInterval = testPollInterval(app.environment, app.log);
        thumbnails = openThumbnails(config, app.log);
        pipeline = std::make_unique<Pipeline>(config, app.registry, app.log, app.clock,
                                              OpenMode::ReadWrite, thumbnails.get());
        pidFile = std::make_unique<PidFile>(options.pidFile);
        if (const auto location = StateLocation::of(config.state.options))
            daemonMarkerFile = std::make_unique<PidFile>(location->daemonMarker().string());
    } catch (const Error& e) {
        app.log.error(e.what());
        report(reportFd, cat(exitCodeFor(e.kind()), e.what()));
        return exitCodeFor(e.kind());
    }
    Metrics metrics;
    StatusBoard board;
    const SystemdNotifier systemd(app.environment);
    std::unique_ptr<HealthServer> health;
    if (!options.listen.empty()) {
        try {
            health = std::make_unique<HealthServer>(
                options.listen, metrics,
                StatusPageSettings{&board, config.listenToken,
                                   testInterval.value_or(config.pollInterval), thumbnails.get(),
                                   app.originalFrontDoor
                                       ? std::string("PIXSYNC_LISTEN_TOKEN in .env")
                                       : cat("listen_token in ", config.origin)});
        } catch (const Error& e) {
            app.log.error(e.what());
            report(reportFd, cat(exitCodeFor(e.kind()), e.what()));
            return exitCodeFor(e.kind());
        }
        app.log.info(cat("serving the status page, /api/status, /healthz and /metrics on port ",
                         health->port()));
    }
    report(reportFd, "ok");
    app.log.info(cat("pixsync started (pid ", ::getpid(), "), configuration ", config.origin));
    systemd.ready("started, first poll under way");
    const WatchdogPings watchdog(systemd);

    while (true) {
        Runner runner(pipeline->engine(), app.log.tagged("daemon"),
                      testInterval.value_or(config.pollInterval), [&](const CycleReport& cycle) {
                          std::uint64_t queued = 0;
                          std::map<std::string, std::uint64_t> bySink;
                          const HealthReport now = pipeline->engine().health();
                          // Reading the state costs queries: only when someone looks.
                          if (health || systemd.enabled()) {
                              StatusReport status = buildStatusReport(
                                  config, pipeline->store(), now, app.clock.now(), ::getpid());
                              for (const auto& s : status.sinks) {
                                  queued += s.queued;
                                  bySink[s.health.name] = s.queued;
                              }
                              board.publish(std::move(status));
                          }
                          systemd.status(cat(counted(queued, "delivery", "deliveries"),
                                             " queued; last poll ", isoUtc(app.clock.now())));
                          metrics.recordCycle(cycle, queued, app.clock.now());
                          metrics.recordHealth(now, bySink);
                      });
        std::mutex mutex;
        std::condition_variable finished;
        bool done = false;
        std::atomic<bool> releasing{false};
        std::atomic<bool> reload{false};
        // Requests left while no daemon ran, or while this one was reloading.
        // (A store that keeps no file has no place for requests: resend then waits its turn.)
        const auto resendRequested = [&] {
            if (const auto location = StateLocation::of(config.state.options))
                processResendRequests(*location, pipeline->engine(), app.log);
        };
        runner.post(resendRequested);
        std::thread watcher([&] {
            int sig = signals.wait();
            while (sig == SIGUSR1 && !releasing) {  // `pixsync resend` asks for work
                runner.post(resendRequested);
                sig = signals.wait();
            }
            if (releasing) return;
            if (sig == SIGHUP) {
                reload = true;
                systemd.reloading();
                app.log.info("SIGHUP: reloading the configuration");
                runner.stop();
                return;
            }
            systemd.stopping();
            app.log.info(cat("received ", sig == SIGTERM ? "SIGTERM" : "SIGINT", ", stopping"));
            runner.stop();
            // A poll or a send can be slow to give up; don't let it hold up a stop.
            std::unique_lock lock(mutex);
            if (!finished.wait_for(lock, kStopGrace, [&] { return done; })) {
                app.log.warning("stop took too long; exiting now, work in flight stays queued");
                std::_Exit(0);
            }
        });
        auto release = [&](bool signalled) {
            {
                std::lock_guard lock(mutex);
                done = true;
            }
            finished.notify_all();
            if (!signalled) {
                releasing = true;
                ::kill(::getpid(), SIGHUP);  // wakes sigwait; ignored because `releasing` is set
            }
            watcher.join();
        };
        try {
            runner.run();
        } catch (const Error& e) {
            release(false);
            app.log.error(e.what());
            return exitCodeFor(e.kind());
        } catch (const std::exception& e) {
            // Plugin calls of the engine are guarded; what is left (the state store) is fatal,
            // but it ends the daemon with a message and the watcher joined, not std::terminate.
            release(false);
            app.log.error(cat("stopping on an unexpected error: ", e.what()));
            return kExitFailure;
        }
        release(true);
        if (!reload) break;
        try {
            Config fresh = app.loadConfig();
            // The probe is silent: the pipeline built next logs the same warnings.
            { Pipeline probe(fresh, app.registry, Logger{}, app.clock, std::nullopt); }
            pipeline.reset();  // releases the state lock for the new pipeline
            config = fresh;
            pipeline = std::make_unique<Pipeline>(config, app.registry, app.log, app.clock,
                                                  OpenMode::ReadWrite, thumbnails.get());
            app.log.info("configuration reloaded");
            systemd.ready("configuration reloaded");
        } catch (const Error& e) {
            app.log.error(cat("the new configuration is invalid, keeping the old one: ", e.what()));
            systemd.ready("the new configuration is invalid; running with the old one");
            if (!pipeline)
                pipeline = std::make_unique<Pipeline>(config, app.registry, app.log, app.clock,
                                                      OpenMode::ReadWrite, thumbnails.get());
        }
    }
    pipeline.reset();
    app.log.info("stopped");
    return kExitOk;
}

}  // namespace pixsync::cli
