// A shared object without the pixsync entry point.
extern "C" int not_a_pixsync_plugin() { return 42; }
