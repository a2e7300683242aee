// The plugin's entry point.

#include "pixsync/plugin.hpp"

#include "pixstar_sink.hpp"

PIXSYNC_SINK_PLUGIN("pixstar", "1.0.0",
                    "E-mails favorites to Pix-Star frames (SMTP, frame-sized JPEGs)",
                    &pixsync::pixstar::createPixstarSink)
