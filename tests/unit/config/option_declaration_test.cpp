// Declared options: the checks every configured object goes through, and the accessors for
// required values.
#include "pixsync/option_declaration.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pixsync/error.hpp"
#include "pixsync/options.hpp"

using namespace pixsync;
using ::testing::HasSubstr;

namespace {

constexpr OptionDeclaration kDeclared[] = {
    {.name = "smtp_host",
     .type = OptionType::String,
     .required = true,
     .description = "the server"},
    {.name = "smtp_port",
     .type = OptionType::Integer,
     .defaultValue = "587",
     .min = 1,
     .max = 65535},
    {.name = "smtp_password", .type = OptionType::String, .secret = true},
    {.name = "mode", .type = OptionType::String, .choices = "fast|slow"},
    {.name = "enabled", .type = OptionType::Boolean},
};

std::string refusal(const Options& o, ValidationContext context = {.owner = "the test sink"}) {
    try {
        validateOptions(o, kDeclared, context);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Config);
        return e.what();
    }
    ADD_FAILURE() << o.toJson() << " was accepted";
    return {};
}

Options json(const char* text) { return Options::parse(text, "sink.json"); }

}  // namespace

TEST(ClosestName, FindsLikelyTyposOnly) {
    const std::vector<std::string> names{"smtp_host", "smtp_password", "poll_interval_seconds",
                                         "album"};
    EXPECT_EQ(closestName("smtp_hots", names), "smtp_host");         // two letters swapped
    EXPECT_EQ(closestName("SMTP_PASWORD", names), "smtp_password");  // a letter missing, any case
    EXPECT_EQ(closestName("pol_interval_seconds", names), "poll_interval_seconds");
    EXPECT_EQ(closestName("albun", names), "album");
    EXPECT_EQ(closestName("smtpPassword", names), "smtp_password");  // another spelling
    EXPECT_EQ(closestName("colour", names), "");                     // nothing close
    EXPECT_EQ(closestName("x", {}), "");
}

TEST(ValidateOptions, AcceptsWhatIsDeclared) {
    EXPECT_NO_THROW(validateOptions(
        json(
            R"({"smtp_host": "h", "smtp_port": 25, "smtp_password_file": "p", "mode": "FAST", "enabled": "yes"})"),
        kDeclared, {.owner = "the test sink"}));
}

TEST(ValidateOptions, AnUnknownKeyNamesTheFileTheKeyAndTheClosestName) {
    auto message =
        refusal(json(R"({"smtp_host": "h", "smtp_pasword": "x"})"),
                {.owner = "the test sink", .reference = "`pixsync plugins --options test`"});
    EXPECT_THAT(message, HasSubstr("sink.json: smtp_pasword is not an option of the test sink"));
    EXPECT_THAT(message, HasSubstr("did you mean `smtp_password`?"));
    EXPECT_THAT(message, HasSubstr("(all options: `pixsync plugins --options test`)"));
    EXPECT_THAT(refusal(json(R"({"smtp_host": "h", "colour": "x"})")),
                HasSubstr("remove it or correct its name"));
}

TEST(ValidateOptions, EnvironmentKeysAreNamedAsWritten) {
    Options o;
    o.set("smtp_host", "h").set("smtp_pasword", "x").describe("/srv/.env", KeyStyle::Env, "/srv");
    EXPECT_THAT(refusal(o), HasSubstr("/srv/.env: SMTP_PASWORD is not an option of the test sink; "
                                      "did you mean `SMTP_PASSWORD`?"));
}

TEST(ValidateOptions, WrongTypesRangesChoicesAndMissingRequiredValues) {
    EXPECT_THAT(refusal(json(R"({"smtp_host": "h", "smtp_port": "x"})")),
                HasSubstr("smtp_port must be a whole number"));
    EXPECT_THAT(refusal(json(R"({"smtp_host": "h", "smtp_port": 0})")),
                HasSubstr("between 1 and 65535"));
    EXPECT_THAT(refusal(json(R"({"smtp_host": "h", "mode": "medium"})")),
                HasSubstr("use one of fast, slow"));
    EXPECT_THAT(refusal(json(R"({"smtp_host": "h", "enabled": "maybe"})")),
                HasSubstr("must be true or false"));
    EXPECT_THAT(refusal(json(R"({"smtp_port": 25})")),
                HasSubstr("sink.json: smtp_host is missing; it is required: the server"));
    EXPECT_THAT(refusal(json(R"({"smtp_host": " "})")), HasSubstr("smtp_host is empty"));
    // A template that a route completes is not required to be complete.
    EXPECT_NO_THROW(validateOptions(json(R"({"smtp_port": 25})"), kDeclared,
                                    {.owner = "the test sink", .checkRequired = false}));
}

TEST(OptionsAccessors, RequiredValuesAreNeverQuietlyEmpty) {
    auto o = json(R"({"empty": ""})");
    try {
        o.path("file");
        FAIL() << "a missing path was accepted";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("sink.json: file is missing"));
    }
    EXPECT_THROW(o.path("empty"), Error);
    EXPECT_EQ(o.path("file", ""), std::filesystem::path());
    EXPECT_FALSE(o.optionalPath("file"));
    try {
        o.requiredSecret("password");
        FAIL() << "a missing secret was accepted";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("password is missing"));
        EXPECT_THAT(e.what(), HasSubstr("password_file"));
    }
}
