# Debian packages with CPack, from one build (the package workflow preset:
# `cmake --workflow --preset package`):
#
#   agent-host      the binary, the bundled plugins, configs and templates,
#                   Swagger UI (install component "host", the default)
#   agent-host-sdk  headers, the CMake package, the fake host archive and the
#                   scaffold's templates (component "sdk")
#
# Each package carries its copyright and changelog; agent-host its man page.
# Runtime dependencies of agent-host come from dpkg-shlibdeps, plus what is
# loaded at run time rather than linked; agent-host-sdk depends on the
# -dev packages its CMake package finds (host/src/testing/TestingPackage.cmake).

set(ah_debian ${CMAKE_SOURCE_DIR}/deploy/debian)
set(ah_debian_build ${CMAKE_BINARY_DIR}/debian)

# Debian wants the changelog and man pages compressed, reproducibly (-n).
function(ah_gzip input output)
  add_custom_command(OUTPUT ${output}
    COMMAND gzip -9n -c ${input} > ${output}
    DEPENDS ${input} VERBATIM)
endfunction()
ah_gzip(${ah_debian}/changelog ${ah_debian_build}/changelog.gz)
ah_gzip(${ah_debian}/agent-host.1 ${ah_debian_build}/agent-host.1.gz)
add_custom_target(ah_debian_files ALL
  DEPENDS ${ah_debian_build}/changelog.gz ${ah_debian_build}/agent-host.1.gz)

foreach(component host sdk)
  set(package agent-host)
  if(component STREQUAL "sdk")
    set(package agent-host-sdk)
  endif()
  install(FILES ${ah_debian}/copyright ${ah_debian_build}/changelog.gz
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${package} COMPONENT ${component})
endforeach()
install(FILES ${ah_debian_build}/agent-host.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
        COMPONENT host)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME agent-host)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Agent Host developers")
set(CPACK_PACKAGE_CONTACT "Agent Host developers <agent-host@example.org>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
set(CPACK_COMPONENTS_ALL host sdk)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.org/agent-host")

set(CPACK_DEBIAN_HOST_PACKAGE_NAME agent-host)
set(CPACK_DEBIAN_HOST_PACKAGE_SECTION net)
set(CPACK_DEBIAN_HOST_PACKAGE_SHLIBDEPS ON)
# libcurl is opened on the first outbound call (dlopen), tzdata read by date-tz.
set(CPACK_DEBIAN_HOST_PACKAGE_DEPENDS "libcurl4, tzdata, ca-certificates")
# First line: the synopsis; the rest: the extended description. CPackDeb
# would put the project's one summary before both packages' descriptions
# unless the summary is CPack's default, so it is set to that default.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CPACK_PACKAGE_NAME} built using CMake")
set(CPACK_DEBIAN_HOST_DESCRIPTION
    "plugin host for AI employee agents\n\
One generic process that loads agents as shared-library plugins through a\n\
stable C ABI, with HTTP routes, Prometheus metrics, JSON logs, health,\n\
scheduled jobs, SQL storage (SQLite or PostgreSQL) and calls between agents.\n\
Ships the Task Manager, Workflow Automation and Reporting agents.")

get_property(ah_testing_debian GLOBAL PROPERTY AH_TESTING_DEBIAN_PACKAGES)
set(CPACK_DEBIAN_SDK_PACKAGE_NAME agent-host-sdk)
set(CPACK_DEBIAN_SDK_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_SDK_PACKAGE_DEPENDS
    "g++, make, cmake (>= 3.25), nlohmann-json3-dev, libvalijson-dev, libgtest-dev, ${ah_testing_debian}")
set(CPACK_DEBIAN_SDK_PACKAGE_RECOMMENDS "agent-host (= ${PROJECT_VERSION})")
set(CPACK_DEBIAN_SDK_DESCRIPTION
    "SDK to write agent-host plugins\n\
The C ABI header and the C++ layer, the CMake package (find_package\n\
AgentHostSDK), a fake host that runs the real host runtime in-process for\n\
plugin unit tests, and the templates of agent-host new-plugin.")

include(CPack)
