// The plugin's entry point and its declared options (the original's .env names in lower case).

#include "pixsync/plugin.hpp"

#include "pixstar_sink.hpp"

namespace {

using pixsync::OptionType;

constexpr pixsync::OptionDeclaration kOptions[] = {
    {.name = "smtp_host", .type = OptionType::String, .required = true,
     .description = "the sending server (smtp.gmail.com)"},
    {.name = "smtp_port", .type = OptionType::Integer, .defaultValue = "587", .min = 1, .max = 65535,
     .description = "587: STARTTLS; 465: TLS from the start"},
    {.name = "smtp_user", .type = OptionType::String,
     .description = "login; needs smtp_password or an OAuth2 token"},
    {.name = "smtp_password", .type = OptionType::String, .secret = true,
     .description = "login password (Gmail: an app password)"},
    {.name = "smtp_use_tls", .type = OptionType::Boolean, .defaultValue = "true",
     .description = "STARTTLS required; false only for a relay on your network"},
    {.name = "smtp_implicit_tls", .type = OptionType::Boolean, .defaultValue = "true on port 465",
     .description = "TLS from the first byte instead of STARTTLS"},
    {.name = "smtp_from", .type = OptionType::String, .defaultValue = "smtp_user",
     .description = "sender address"},
    {.name = "smtp_ca_file", .type = OptionType::Path,
     .description = "extra CA certificates to trust (PEM)"},
    {.name = "smtp_insecure_tls", .type = OptionType::Boolean, .defaultValue = "false",
     .description = "skip certificate checks (warned at every start)"},
    {.name = "smtp_allow_plaintext_auth", .type = OptionType::Boolean, .defaultValue = "false",
     .description = "allow AUTH without TLS (a local relay)"},
    {.name = "smtp_oauth2_token_file", .type = OptionType::Path,
     .description = "XOAUTH2 access token, read from this file at each connection"},
    {.name = "smtp_oauth2_token_command", .type = OptionType::String,
     .description = "XOAUTH2 access token, the output of this command at each connection"},
    {.name = "smtp_max_per_minute", .type = OptionType::Integer, .defaultValue = "20", .min = 0,
     .max = 100000, .description = "send-rate limit (0: none)"},
    {.name = "smtp_max_per_day", .type = OptionType::Integer, .defaultValue = "450", .min = 0,
     .max = 10000000, .description = "daily limit, under the sender's quota (0: none)"},
    {.name = "smtp_max_message_mb", .type = OptionType::Integer, .defaultValue = "24", .min = 1,
     .max = 1024, .description = "message size cap"},
    {.name = "smtp_timeout_seconds", .type = OptionType::Integer, .defaultValue = "30", .min = 1,
     .max = 3600, .description = "per SMTP step"},
    {.name = "pixstar_max_width", .type = OptionType::Integer, .defaultValue = "1024", .min = 16,
     .max = 16384, .description = "photos are fitted inside, never enlarged"},
    {.name = "pixstar_max_height", .type = OptionType::Integer, .defaultValue = "768", .min = 16,
     .max = 16384, .description = "photos are fitted inside, never enlarged"},
    {.name = "pixstar_jpeg_quality", .type = OptionType::Integer, .defaultValue = "85", .min = 1,
     .max = 100, .description = "JPEG quality of the photos sent"},
    {.name = "pixstar_max_video_mb", .type = OptionType::Integer, .defaultValue = "15", .min = 1,
     .max = 100000, .description = "larger videos are skipped with a reason"},
    {.name = "pixstar_background", .type = OptionType::String, .defaultValue = "#ffffff",
     .description = "what transparent areas become (#rrggbb)"},
    {.name = "pixstar_subject", .type = OptionType::String,
     .defaultValue = pixsync::pixstar::kDefaultSubject,
     .description = "subject template; {user} and {file} are replaced"},
    {.name = "pixstar_body", .type = OptionType::String, .defaultValue = pixsync::pixstar::kDefaultBody,
     .description = "body template; {user} and {file} are replaced"},
    {.name = "pixstar_group_recipients", .type = OptionType::Boolean, .defaultValue = "false",
     .description = "one message to several frames of the same size instead of one each"},
    {.name = "profiles", .type = OptionType::Object,
     .description = "named frame profiles {\"small\": {\"max_width\": 800, ...}} a destination picks"},
};

}  // namespace

PIXSYNC_SINK_PLUGIN("pixstar", "1.0.0",
                    "E-mails favorites to Pix-Star frames (SMTP, frame-sized JPEGs)",
                    &pixsync::pixstar::createPixstarSink, kOptions)
