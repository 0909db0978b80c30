# What `cmake --install` and the Debian package (cmake/package.cmake) put where. Paths come
# from GNUInstallDirs; with the prefix /usr (the default, CMakeLists.txt) they are Debian's:
# /usr/bin/hoursd, /etc/hoursd/hoursd.toml, /usr/share/hoursd/customers.json,
# /usr/share/doc/hoursd/, /usr/share/man/, and the systemd unit directory.
include(GNUInstallDirs)

# Where systemd looks for the units the package ships: systemd.pc's systemdsystemunitdir
# (/lib/systemd/system on Debian 12), else lib/systemd/system under the prefix: systemd
# looks there, never in the multiarch LIBDIR.
pkg_get_variable(systemd_unit_dir systemd systemdsystemunitdir)
if(NOT systemd_unit_dir)
  set(systemd_unit_dir ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
endif()
set(HOURSD_SYSTEMD_UNIT_DIR ${systemd_unit_dir} CACHE PATH
  "Where the systemd units are installed (default: pkg-config systemd's systemdsystemunitdir)")

set(HOURSD_CONFIG_DIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/hoursd)
set(HOURSD_CONFIG_FILE ${HOURSD_CONFIG_DIR}/hoursd.toml)
set(HOURSD_DATA_DIR ${CMAKE_INSTALL_FULL_DATADIR}/hoursd)
set(generated ${PROJECT_BINARY_DIR}/install)

# The units, with the installed binary, config and docs paths written in.
foreach(unit hoursd.service hoursd-tzdata.path hoursd-tzdata.service)
  configure_file(${PROJECT_SOURCE_DIR}/systemd/${unit}.in ${generated}/systemd/${unit} @ONLY)
  install(FILES ${generated}/systemd/${unit} DESTINATION ${HOURSD_SYSTEMD_UNIT_DIR})
endforeach()

# The installed config is the commented example, every key at its default, except that the
# source is the installed sample: a fresh install serves it until the operator points
# upstream.source at the platform. Generated, so the example stays the only hand-written copy.
file(READ ${PROJECT_SOURCE_DIR}/examples/hoursd.toml example_config)
set(example_source "source = \"file:examples/customers.json\"")
string(FIND "${example_config}" "${example_source}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "examples/hoursd.toml: no line '${example_source}' to point at "
                      "${HOURSD_DATA_DIR}/customers.json")
endif()
string(REPLACE "${example_source}" "source = \"file:${HOURSD_DATA_DIR}/customers.json\""
       installed_config "${example_config}")
file(WRITE ${generated}/hoursd.toml.new "${installed_config}")
configure_file(${generated}/hoursd.toml.new ${generated}/hoursd.toml COPYONLY)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${PROJECT_SOURCE_DIR}/examples/hoursd.toml)

install(TARGETS hoursd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${generated}/hoursd.toml DESTINATION ${HOURSD_CONFIG_DIR})
install(FILES examples/customers.json examples/README.md DESTINATION ${HOURSD_DATA_DIR})

# Man pages, compressed as Debian policy 12.1 wants: gzip -9n, so the bytes do not depend on
# the build's time or file names.
find_program(GZIP gzip REQUIRED)
set(man_pages hoursd.8 hoursd.toml.5)
set(man_outputs)
foreach(page ${man_pages})
  string(REGEX MATCH "[0-9]$" section ${page})
  set(out ${generated}/man/${page}.gz)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${generated}/man
    COMMAND ${GZIP} -9n -c ${PROJECT_SOURCE_DIR}/docs/man/${page} > ${out}
    DEPENDS ${PROJECT_SOURCE_DIR}/docs/man/${page}
    COMMENT "Compressing the man page ${page}")
  list(APPEND man_outputs ${out})
  install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
add_custom_target(hoursd_man ALL DEPENDS ${man_outputs})

install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES docs/architecture.md docs/events.md docs/operations.md docs/routers.md
              docs/semantics.md docs/upstream.md docs/openapi.yaml
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
install(DIRECTORY docs/images DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
install(FILES examples/hoursd.toml DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
# The router examples (docs/routers.md), side by side as in the repository: the Kamailio
# lookup module finds the client in ../client.
install(FILES examples/kamailio/README.md examples/kamailio/kamailio.cfg
              examples/kamailio/hoursd_lookup.py
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/kamailio)
install(FILES examples/client/README.md examples/client/hoursd_client.py
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/client)
