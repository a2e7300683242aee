// pixsync: keeps digital photo frames fed from a self-hosted photo library.
// This file only parses the command line and dispatches; the commands live beside it.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "app.hpp"
#include "pixsync/error.hpp"
#include "pixsync/version.hpp"

using namespace pixsync;
using namespace pixsync::cli;

#if defined(__SANITIZE_ADDRESS__)
// In sanitizer builds, LeakSanitizer's exit-time scan of this program crashes (its tracer
// gets SIGSEGV) once libvips' worker threads exist. AddressSanitizer and UBSan still check
// every run; leaks are checked by the in-process test binaries, which keep the default.
extern "C" const char* __asan_default_options() { return "detect_leaks=0"; }
#endif

int main(int argc, char** argv) {
    // glibc gives each new thread (libvips' workers, the download thread) its own malloc
    // arena, and their freed buffers stay resident. One arena keeps a first sync of 12 MP
    // photos at 59 MB peak, steadily; two gave 60-69 MB from run to run, the default 72-88 MB,
    // at 1-2 % less CPU (README, Performance). The usual MALLOC_ARENA_MAX variable still wins.
    if (!std::getenv("MALLOC_ARENA_MAX")) mallopt(M_ARENA_MAX, 1);
    CLI::App cli{
        "pixsync: sends each Immich user's new favorites to their photo frames.\n"
        "Without a subcommand it runs the daemon (like `pixsync run`)."};
    cli.set_version_flag("--version", std::string("pixsync ") + kVersion);
    cli.name("pixsync");  // usage shows the program's name, not the path it was started by
    // Every error pixsync prints starts with "pixsync: ", the command line's own too.
    cli.failure_message([](const CLI::App* app, const CLI::Error& e) {
        return "pixsync: " + CLI::FailureMessage::simple(app, e);
    });
    cli.require_subcommand(0, 1);
    cli.fallthrough();  // global options are accepted after the subcommand too

    GlobalOptions global;
    cli.add_option("--config", global.configFile,
                   "native configuration file (JSON); default: "
                   "the original's .env and pixstar_mapping.json in the current folder")
        ->envname("PIXSYNC_CONFIG");
    cli.add_option("--env-file", global.envFile,
                   "the original service's .env file (default ./.env)");
    cli.add_option("--plugin-dir", global.pluginDirs,
                   "extra folder to load plugins from (repeatable)");
    auto* logLevel =
        cli.add_option("--log-level", global.logLevel, "debug, info, warning or error");
    // The usual short forms of --log-level: only what needs attention, or everything.
    bool quiet = false, verbose = false;
    auto* quietFlag =
        cli.add_flag("-q,--quiet", quiet, "warnings and errors only (--log-level warning)");
    auto* verboseFlag = cli.add_flag("-v,--verbose", verbose, "everything (--log-level debug)");
    quietFlag->excludes(verboseFlag);
    logLevel->excludes(quietFlag)->excludes(verboseFlag);

    // The original service's flags: --resend-all with --user EMAIL or --all-users.
    bool resendAll = false, allUsers = false;
    std::string user;
    cli.add_flag("--resend-all", resendAll, "original spelling of `resend`");
    cli.add_option("--user", user, "with --resend-all: the Immich user e-mail");
    cli.add_flag("--all-users", allUsers, "with --resend-all: every user");

    RunOptions runOptions;
    auto* run = cli.add_subcommand(
        "run", "poll and deliver until stopped (SIGTERM/SIGINT); SIGHUP reloads");
    run->add_flag("--daemon", runOptions.daemon,
                  "detach from the terminal (logs go to the log file)");
    run->add_option("--pid-file", runOptions.pidFile,
                    "write the daemon's pid here, removed on exit");
    run->add_option("--listen", runOptions.listen,
                    "serve /healthz and Prometheus /metrics on HOST:PORT (e.g. 127.0.0.1:9464); "
                    "off by default");

    bool dryRun = false;
    auto* once = cli.add_subcommand("once", "one pass over every route, then exit");
    once->add_flag("--dry-run", dryRun, "show what would be sent; send and record nothing");

    std::string resendUser;
    bool resendAllUsers = false;
    auto* resend =
        cli.add_subcommand("resend", "queue every current favorite again (after a frame reset)");
    auto* resendUserOpt =
        resend->add_option("--user", resendUser, "the Immich user e-mail (route id)");
    auto* resendAllOpt = resend->add_flag("--all-users", resendAllUsers, "every route");
    resendUserOpt->excludes(resendAllOpt);

    bool json = false;
    auto* status = cli.add_subcommand("status", "what each route delivered, queued and failed");
    status->add_flag("--json", json, "machine-readable output (documented in the README)");

    std::string sendTestTo;
    auto* check = cli.add_subcommand(
        "check", "check configuration, Immich, SMTP and the state; sends nothing");
    check
        ->add_option("--send-test", sendTestTo,
                     "then send one test picture to this frame (a destination of a route)")
        ->type_name("FRAME");
    auto* plugins = cli.add_subcommand("plugins", "list the plugins found: name kind version file");
    std::string optionsOf;
    plugins->add_option("--options", optionsOf,
                        "print the options plugin NAME declares (`pixsync`: the core's own keys)");

    auto* state = cli.add_subcommand("state", "recover from a state that cannot be read");
    state->require_subcommand(1);
    bool iKnow = false;
    auto* stateReset = state->add_subcommand(
        "reset", "move the state aside and start over (everything is sent again)");
    stateReset->add_flag("--i-know", iKnow,
                         "confirm that every current favorite will be sent again");
    auto* stateBaseline = state->add_subcommand(
        "baseline", "start a new state that records every current favorite as already sent");

    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = cli.exit(e);
        return code == 0 ? 0 : kExitConfig;
    }
    if (quiet) global.logLevel = "warning";
    if (verbose) global.logLevel = "debug";

    // The App (and with it the plugins) outlives the handlers below, so an error raised
    // inside a plugin is still readable when it is reported.
    std::unique_ptr<App> appHolder;
    try {
        appHolder = std::make_unique<App>(global);
        App& app = *appHolder;
        if (resendAll || !user.empty() || allUsers) {
            if (!resendAll)
                throw usageError(
                    "--user and --all-users go with --resend-all (or use `pixsync resend`)");
            if (user.empty() == !allUsers)
                throw usageError("--resend-all needs exactly one of --user EMAIL or --all-users");
            return runResend(app, user, allUsers);
        }
        if (*once) return runOnce(app, dryRun);
        if (*resend) return runResend(app, resendUser, resendAllUsers);
        if (*status) return runStatus(app, json);
        if (*check) return runCheck(app, sendTestTo);
        if (*plugins) return runPlugins(app, optionsOf);
        if (*stateReset) return runStateReset(app, iKnow);
        if (*stateBaseline) return runStateBaseline(app);
        return runDaemon(app, runOptions);
    } catch (const Error& e) {
        std::fprintf(stderr, "pixsync: %s\n", e.what());
        return exitCodeFor(e.kind());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pixsync: unexpected error: %s\n", e.what());
        return kExitFailure;
    }
}
