// The plugin ABI's boundary types keep their layout within a major version: a plugin built
// for 2.0 hands pixsync an Asset, a MediaFile or an Outcome laid out as 2.0 laid them out. Any
// change to one of these sizes fails here and must come with a major bump (a new table below).
// Types that grow by appending (PluginContext, PluginDescriptor) keep every field in place.
#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

#include "pixsync/check.hpp"
#include "pixsync/error.hpp"
#include "pixsync/plugin.hpp"

namespace pixsync {
namespace {

struct Layout {
    const char* type;
    std::size_t size;
    std::size_t align;
};

// Plugin ABI 2.x on x86_64 with libstdc++ (the platform pixsync is built and packaged for).
constexpr Layout kAbi2[] = {
    {"Asset", 240, 8},          {"Listing", 64, 8},
    {"LocalMedia", 72, 8},      {"MediaFile", 88, 8},
    {"TempFile", 40, 8},        {"Destination", 64, 8},
    {"FrameBox", 8, 4},         {"Outcome", 56, 8},
    {"DeliveryRequest", 32, 8}, {"RetainRequest", 24, 8},
    {"RateLimits", 8, 4},       {"DeliveryKey", 96, 8},
    {"QueuedDelivery", 384, 8}, {"SkippedDelivery", 160, 8},
    {"RouteCursor", 40, 8},     {"Plan", 152, 8},
    {"DeliveryRecord", 232, 8}, {"PassRecord", 120, 8},
    {"FailureRecord", 168, 8},  {"RouteSummary", 240, 8},
    {"RecentDelivery", 216, 8}, {"OptionDeclaration", 64, 8},
    {"OptionList", 16, 8},      {"Options", 48, 8},
    {"Logger", 48, 8},          {"CheckResult", 104, 8},
    {"CheckReport", 24, 8},     {"Error", 24, 8},
    {"PluginContext", 136, 8},  {"PluginDescriptor", 88, 8},
    {"Source", 8, 8},           {"Sink", 40, 8},
    {"StateStore", 8, 8},
};

std::vector<Layout> current() {
    return {
        {"Asset", sizeof(Asset), alignof(Asset)},
        {"Listing", sizeof(Listing), alignof(Listing)},
        {"LocalMedia", sizeof(LocalMedia), alignof(LocalMedia)},
        {"MediaFile", sizeof(MediaFile), alignof(MediaFile)},
        {"TempFile", sizeof(TempFile), alignof(TempFile)},
        {"Destination", sizeof(Destination), alignof(Destination)},
        {"FrameBox", sizeof(FrameBox), alignof(FrameBox)},
        {"Outcome", sizeof(Outcome), alignof(Outcome)},
        {"DeliveryRequest", sizeof(DeliveryRequest), alignof(DeliveryRequest)},
        {"RetainRequest", sizeof(RetainRequest), alignof(RetainRequest)},
        {"RateLimits", sizeof(RateLimits), alignof(RateLimits)},
        {"DeliveryKey", sizeof(DeliveryKey), alignof(DeliveryKey)},
        {"QueuedDelivery", sizeof(QueuedDelivery), alignof(QueuedDelivery)},
        {"SkippedDelivery", sizeof(SkippedDelivery), alignof(SkippedDelivery)},
        {"RouteCursor", sizeof(RouteCursor), alignof(RouteCursor)},
        {"Plan", sizeof(Plan), alignof(Plan)},
        {"DeliveryRecord", sizeof(DeliveryRecord), alignof(DeliveryRecord)},
        {"PassRecord", sizeof(PassRecord), alignof(PassRecord)},
        {"FailureRecord", sizeof(FailureRecord), alignof(FailureRecord)},
        {"RouteSummary", sizeof(RouteSummary), alignof(RouteSummary)},
        {"RecentDelivery", sizeof(RecentDelivery), alignof(RecentDelivery)},
        {"OptionDeclaration", sizeof(OptionDeclaration), alignof(OptionDeclaration)},
        {"OptionList", sizeof(OptionList), alignof(OptionList)},
        {"Options", sizeof(Options), alignof(Options)},
        {"Logger", sizeof(Logger), alignof(Logger)},
        {"CheckResult", sizeof(CheckResult), alignof(CheckResult)},
        {"CheckReport", sizeof(CheckReport), alignof(CheckReport)},
        {"Error", sizeof(Error), alignof(Error)},
        {"PluginContext", sizeof(PluginContext), alignof(PluginContext)},
        {"PluginDescriptor", sizeof(PluginDescriptor), alignof(PluginDescriptor)},
        {"Source", sizeof(Source), alignof(Source)},
        {"Sink", sizeof(Sink), alignof(Sink)},
        {"StateStore", sizeof(StateStore), alignof(StateStore)},
    };
}

template <typename T, typename M>
std::ptrdiff_t offsetIn(const T& object, const M& member) {
    return reinterpret_cast<const char*>(&member) - reinterpret_cast<const char*>(&object);
}

#if defined(__x86_64__) && defined(__GLIBCXX__)
constexpr bool kRecordedPlatform = true;
#else
constexpr bool kRecordedPlatform = false;
#endif

TEST(PluginAbiLayout, BoundaryTypesKeepTheirSizeWithinAMajorVersion) {
    if (!kRecordedPlatform) GTEST_SKIP() << "layouts are recorded for x86_64 with libstdc++";
    ASSERT_EQ(kPluginAbiMajor, 2u)
        << "a new plugin ABI major version: record its layouts in a table of its own";
    const auto now = current();
    ASSERT_EQ(now.size(), std::size(kAbi2));
    for (std::size_t i = 0; i < now.size(); ++i) {
        // (PluginContext and PluginDescriptor grow by appending, with a minor bump: record their
        // new size here, and the offset of the new field in the test below.)
        EXPECT_EQ(now[i].size, kAbi2[i].size)
            << now[i].type << " changed its layout, which breaks every plugin built for ABI 2.x: "
            << "bump kPluginAbiMajor in plugin.hpp (and record the new layouts), or keep the "
               "type as it was";
        EXPECT_EQ(now[i].align, kAbi2[i].align) << now[i].type;
    }
}

TEST(PluginAbiLayout, AppendableTypesKeepEveryFieldWhereItWas) {
    if (!kRecordedPlatform) GTEST_SKIP() << "layouts are recorded for x86_64 with libstdc++";
    SystemClock clock;
    const PluginContext context{"", Logger(), clock, {}, nullptr};
    EXPECT_EQ(offsetIn(context, context.instanceName), 0);
    EXPECT_EQ(offsetIn(context, context.log), 32);
    EXPECT_EQ(offsetIn(context, context.tempDir), 88);
    EXPECT_EQ(offsetIn(context, context.pictures), 128) << "appended in 2.3";
    const PluginDescriptor d{};
    EXPECT_EQ(offsetIn(d, d.abiMajor), 0) << "must stay first: any plugin's version is read here";
    EXPECT_EQ(offsetIn(d, d.abiMinor), 4);
    EXPECT_EQ(offsetIn(d, d.kind), 8);
    EXPECT_EQ(offsetIn(d, d.name), 16);
    EXPECT_EQ(offsetIn(d, d.version), 24);
    EXPECT_EQ(offsetIn(d, d.description), 32);
    EXPECT_EQ(offsetIn(d, d.createSource), 40);
    EXPECT_EQ(offsetIn(d, d.createSink), 48);
    EXPECT_EQ(offsetIn(d, d.createStateStore), 56);
    EXPECT_EQ(offsetIn(d, d.options), 64) << "appended in 2.1";
    EXPECT_EQ(offsetIn(d, d.cxxRuntime), 80) << "appended in 2.5";
}

}  // namespace
}  // namespace pixsync
