# The Debian package, built by CPack from the same install rules as `cmake --install`
# (scripts/package.sh): the pixsync command, the libraries, the plugins, the headers with the
# CMake and pkg-config files, the systemd unit and the examples.
# Configure with -DCMAKE_INSTALL_PREFIX=/usr for a package: the unit names the installed binary.

# The systemd unit, with the path of the installed binary. systemd reads units from
# <prefix>/lib/systemd/system for both /usr and /usr/local.
set(pixsync_unit "${PROJECT_SOURCE_DIR}/examples/systemd/pixsync.service")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${pixsync_unit}")
file(READ "${pixsync_unit}" pixsync_unit_text)
string(REPLACE "ExecStart=/usr/bin/pixsync " "ExecStart=${CMAKE_INSTALL_FULL_BINDIR}/pixsync "
       pixsync_unit_text "${pixsync_unit_text}")
file(WRITE "${PROJECT_BINARY_DIR}/pixsync.service" "${pixsync_unit_text}")
install(FILES "${PROJECT_BINARY_DIR}/pixsync.service" DESTINATION lib/systemd/system)
install(DIRECTORY examples/ DESTINATION "${CMAKE_INSTALL_DOCDIR}/examples")
install(FILES README.md DESTINATION "${CMAKE_INSTALL_DOCDIR}")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pixsync)
set(CPACK_PACKAGE_VENDOR pixsync)
set(CPACK_PACKAGE_CONTACT "pixsync maintainers <pixsync@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "pixsync watches each Immich user's favorites and emails the new ones to that user's\
 Pix-Star frames, once each. It reads the original immich-pixstar-sync service's .env,\
 pixstar_mapping.json and state file. The package holds the pixsync command, its plugins,\
 the library with its headers for embedding and plugin authors, and a systemd unit.")
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # pixsync_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION graphics)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://immich.app")
# The shared libraries it links are found by dpkg-shlibdeps; its own libraries are in the
# package. TLS needs the system's certificate authorities.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS
    "${PROJECT_BINARY_DIR}/${CMAKE_INSTALL_LIBDIR}")
set(CPACK_DEBIAN_PACKAGE_DEPENDS "ca-certificates")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)  # plugins have no soname; nothing links by shlibs
include(CPack)
