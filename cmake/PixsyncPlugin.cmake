# pixsync_add_plugin(<name> SOURCES <files...> [LIBRARIES <targets...>] [NO_INSTALL]
#                    [OUTPUT_DIRECTORY <dir>])
#
# Builds a pixsync plugin as a shared object named pixsync-<name>.so, linked against
# pixsync::pixsync. Works the same in this source tree and in another project that did
# find_package(pixsync): in-tree plugins land in the build tree's plugin folder (where the
# pixsync binary looks) and install beside the installed plugins; out-of-tree plugins land in
# the caller's binary folder and install under <libdir>/pixsync/plugins of their own prefix.
function(pixsync_add_plugin name)
  cmake_parse_arguments(ARG "NO_INSTALL" "OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "pixsync_add_plugin(${name}): SOURCES is required")
  endif()
  set(target "pixsync-plugin-${name}")
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE pixsync::pixsync ${ARG_LIBRARIES})
  target_compile_features(${target} PRIVATE cxx_std_20)
  # Installed plugins live in <libdir>/pixsync/plugins and find libpixsync's libraries two
  # folders up; out-of-tree plugins also keep the path of the pixsync they were built against.
  set_target_properties(${target} PROPERTIES
    PREFIX "" OUTPUT_NAME "pixsync-${name}"
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
    INSTALL_RPATH "$ORIGIN/../.." INSTALL_RPATH_USE_LINK_PATH ON)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  elseif(DEFINED PIXSYNC_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${PIXSYNC_PLUGIN_OUTPUT_DIR}")
  endif()
  if(COMMAND pixsync_set_warnings)
    pixsync_set_warnings(${target})
  endif()
  if(NOT ARG_NO_INSTALL)
    include(GNUInstallDirs)
    install(TARGETS ${target} LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}/pixsync/plugins")
  endif()
endfunction()
