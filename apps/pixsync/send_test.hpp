#pragma once
// `pixsync check --send-test FRAME`: one small test picture to one configured frame.

#include <string>

#include "pixsync/check.hpp"
#include "pixsync/host/config.hpp"
#include "pixsync/host/pipeline.hpp"

namespace pixsync::cli {

/// Sends a test picture to `frame`, which must be a destination of a configured route,
/// through that route's sink, and adds the outcome to `report` (subject "send test").
void sendTestPicture(Pipeline& pipeline, const Config& config, const std::string& frame,
                     CheckReport& report);

}  // namespace pixsync::cli
