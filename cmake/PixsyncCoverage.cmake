# With PIXSYNC_COVERAGE, everything is built with gcov instrumentation; scripts/coverage.sh
# turns the counters the test suite leaves behind into per-component figures.
if(PIXSYNC_COVERAGE)
  add_compile_options(--coverage -fprofile-update=atomic)
  add_link_options(--coverage)
endif()
