#include "settings.hpp"

#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::pixstar {

std::string SmtpSettings::endpoint() const { return cat(host, ":", port); }

namespace {

constexpr std::int64_t kMiB = 1024 * 1024;

}  // namespace

SinkSettings readSettings(const Options& options) {
    SinkSettings s;
    SmtpSettings& smtp = s.smtp;
    smtp.keyStyle = options.keyStyle();
    const auto name = [&](std::string_view key) { return options.keyName(key); };
    smtp.host = options.string("smtp_host");
    smtp.port = static_cast<int>(options.integer("smtp_port", 587, 1, 65535));
    smtp.user = options.string("smtp_user", "");
    smtp.password = options.secret("smtp_password");
    smtp.useTls = options.boolean("smtp_use_tls", true);
    smtp.implicitTlsMode = options.boolean("smtp_implicit_tls", smtp.port == 465);
    if (options.has("smtp_ca_file")) {
        smtp.caFile = options.path("smtp_ca_file");
        if (!std::filesystem::is_regular_file(smtp.caFile))
            throw configError(
                cat(options.where("smtp_ca_file"), ": ", smtp.caFile.string(),
                    " is not a readable file; give a PEM file of trusted certificates"));
    }
    smtp.insecureTls = options.boolean("smtp_insecure_tls", false);
    smtp.allowPlaintextAuth = options.boolean("smtp_allow_plaintext_auth", false);
    smtp.timeout = std::chrono::seconds(options.integer("smtp_timeout_seconds", 30, 1, 3600));
    if (options.has("smtp_oauth2_token_file"))
        smtp.oauth2TokenFile = options.path("smtp_oauth2_token_file");
    smtp.oauth2TokenCommand = options.string("smtp_oauth2_token_command", "");
    if (!smtp.oauth2TokenFile.empty() && !smtp.oauth2TokenCommand.empty())
        throw configError(cat(options.where("smtp_oauth2_token_command"), ": set either ",
                              name("smtp_oauth2_token_file"), " or ",
                              name("smtp_oauth2_token_command"), ", not both"));
    const bool oauth = !smtp.oauth2TokenFile.empty() || !smtp.oauth2TokenCommand.empty();
    if (oauth && smtp.user.empty())
        throw configError(cat(options.where("smtp_user"),
                              ": XOAUTH2 needs the account's address in ", name("smtp_user")));
    if (!smtp.password.empty() && smtp.user.empty())
        throw configError(cat(options.where("smtp_user"), " is missing: ", name("smtp_password"),
                              " is set, so set ", name("smtp_user"), " to the login too"));
    // A login without a password would only fail at delivery time ("530 Authentication
    // required"), after every photo was tried: refuse it now.
    if (!smtp.user.empty() && smtp.password.empty() && !oauth)
        throw configError(cat(options.where("smtp_password"), " is missing: ", name("smtp_user"),
                              " is set, so the server needs its password (", name("smtp_password"),
                              " or ", name("smtp_password_file"), ") or an OAuth2 token (",
                              name("smtp_oauth2_token_file"),
                              "); for a relay without login, "
                              "remove ",
                              name("smtp_user"), " and set ", name("smtp_from")));

    MessageSettings& message = s.message;
    message.from = options.string("smtp_from", smtp.user);
    if (message.from.empty())
        throw configError(cat(options.where("smtp_from"), ": set ", name("smtp_from"), " (or ",
                              name("smtp_user"), ") to the sender's address"));
    if (!isEmailAddress(message.from))
        throw configError(cat(options.where(options.has("smtp_from") ? "smtp_from" : "smtp_user"),
                              ": '", message.from, "' is not an e-mail address"));
    message.subjectTemplate = options.string("pixstar_subject", kDefaultSubject);
    message.bodyTemplate = options.string("pixstar_body", kDefaultBody);
    message.maxMessageBytes =
        static_cast<std::uint64_t>(options.integer("smtp_max_message_mb", 24, 1, 1024)) * kMiB;
    message.groupRecipients = options.boolean("pixstar_group_recipients", false);

    s.limits.perMinute =
        static_cast<unsigned>(options.integer("smtp_max_per_minute", 20, 0, 100000));
    s.limits.perDay = static_cast<unsigned>(options.integer("smtp_max_per_day", 450, 0, 10000000));

    FrameProfile base;  // 1024x768, quality 85, white background, 15 MB videos
    s.profiles =
        FrameProfiles::read(options, base,
                            {"pixstar_max_width", "pixstar_max_height", "pixstar_jpeg_quality",
                             "pixstar_background", "pixstar_max_video_mb"});
    return s;
}

}  // namespace pixsync::pixstar
