# The Debian package, built by CPack's DEB generator from the install rules
# (cmake/install.cmake); scripts/package runs it. Policy points, each checked by
# tests/package/package_test.sh with dpkg-deb and lintian:
# - Depends: from the binary's shared libraries (dpkg-shlibdeps), plus tzdata (zones are read
#   from /usr/share/zoneinfo at start) and init-system-helpers (the maintainer scripts'
#   deb-systemd-helper and deb-systemd-invoke).
# - /etc/hoursd/hoursd.toml is a conffile: upgrades keep the operator's edits.
# - The binary is stripped; the copyright file (copyright-format 1.0) and the changelog sit
#   in /usr/share/doc/hoursd/.
set(package_dir ${PROJECT_SOURCE_DIR}/packaging/debian)
set(HOURSD_PACKAGE_MAINTAINER "hoursd maintainers <hoursd@example.org>")

# The changelog's newest entry names the version being packaged; a release bumps both.
file(STRINGS ${package_dir}/changelog changelog_head LIMIT_COUNT 1)
if(NOT changelog_head MATCHES "^hoursd \\(${PROJECT_VERSION}\\) ")
  message(FATAL_ERROR "packaging/debian/changelog: the first entry must be for version "
                      "${PROJECT_VERSION} (project() in CMakeLists.txt), not '${changelog_head}'")
endif()

# A native package (no Debian revision), so its changelog is changelog.gz (policy 12.7).
set(changelog_gz ${PROJECT_BINARY_DIR}/install/changelog.gz)
add_custom_command(OUTPUT ${changelog_gz}
  COMMAND ${GZIP} -9n -c ${package_dir}/changelog > ${changelog_gz}
  DEPENDS ${package_dir}/changelog
  COMMENT "Compressing the Debian changelog")
add_custom_target(hoursd_changelog ALL DEPENDS ${changelog_gz})
install(FILES ${changelog_gz} ${package_dir}/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})

# dpkg names conffiles by their installed path.
file(WRITE ${PROJECT_BINARY_DIR}/install/conffiles "${HOURSD_CONFIG_FILE}\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hoursd)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${HOURSD_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/package)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "business-hours states of customers for call routing")
# Debian wraps the long description at 80 columns, one leading space included.
set(CPACK_PACKAGE_DESCRIPTION
    "hoursd syncs customers and their schedules from a telephony platform's
REST API (or a JSON file), compiles each customer's prioritized,
iCalendar-style rules in its time zone, and answers over a small local HTTP
API which state a customer is in now or at any instant, since when, until
when, and which rule decided. It keeps the last good snapshot on disk and
runs as a hardened systemd service.

A fresh install serves the bundled sample customers until upstream.source
in /etc/hoursd/hoursd.toml names the platform.")
# Installed paths are absolute (/etc, the systemd unit directory), so CPack stages the
# install under DESTDIR with the real prefix.
set(CPACK_SET_DESTDIR ON)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "tzdata, init-system-helpers (>= 1.54~)")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_BINARY_DIR}/install/conffiles
    ${package_dir}/postinst ${package_dir}/prerm ${package_dir}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
