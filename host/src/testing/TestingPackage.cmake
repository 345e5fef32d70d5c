# AgentHost::testing in the SDK package: one archive with the fake host and
# every host library it needs, and AgentHostTesting.cmake, which the SDK's
# package config includes when present to find what that archive links.
#
# What the fake host links beyond the SDK, said once: the CMake package that
# provides it, the imported target, and the Debian package that installs it.
# The archive's check, the installed config's find_package calls, its
# not-found message and the agent-host-sdk package's Depends all come from it.
set(AH_TESTING_DEPENDENCIES
  "Threads|Threads::Threads|libc6-dev"
  "spdlog|spdlog::spdlog|libspdlog-dev"
  "prometheus-cpp|prometheus-cpp::core|prometheus-cpp-dev"
  "yaml-cpp|yaml-cpp|libyaml-cpp-dev"
  "CURL|CURL::libcurl|libcurl4-openssl-dev"
  "SQLite3|SQLite::SQLite3|libsqlite3-dev"
  "PostgreSQL|PostgreSQL::PostgreSQL|libpq-dev"
  "date|date::date-tz|libhowardhinnant-date-dev"
  "libuv|PkgConfig::LIBUV|libuv1-dev, pkg-config")
# Used at compile time only (headers): not needed to link the archive.
set(AH_TESTING_COMPILE_ONLY agent_host_sdk nlohmann_json::nlohmann_json Boost::headers valijson)
# Global: the archive is made at the end of the top-level directory.
set_property(GLOBAL PROPERTY AH_TESTING_DEPENDENCIES "${AH_TESTING_DEPENDENCIES}")
set_property(GLOBAL PROPERTY AH_TESTING_COMPILE_ONLY "${AH_TESTING_COMPILE_ONLY}")

# One field of every AH_TESTING_DEPENDENCIES entry (0 package, 1 target, 2 Debian).
function(ah_testing_dependency_field index out)
  get_property(dependencies GLOBAL PROPERTY AH_TESTING_DEPENDENCIES)
  set(values)
  foreach(entry IN LISTS dependencies)
    string(REPLACE "|" ";" fields "${entry}")
    list(GET fields ${index} value)
    list(APPEND values "${value}")
  endforeach()
  set(${out} "${values}" PARENT_SCOPE)
endfunction()

ah_testing_dependency_field(0 AH_TESTING_PACKAGES)
ah_testing_dependency_field(2 ah_debian)
list(JOIN ah_debian ", " AH_TESTING_DEBIAN_PACKAGES)
# The agent-host-sdk package depends on them (CPack, see cmake/Packaging.cmake).
set_property(GLOBAL PROPERTY AH_TESTING_DEBIAN_PACKAGES "${AH_TESTING_DEBIAN_PACKAGES}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/AgentHostTesting.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/AgentHostTesting.cmake @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/AgentHostTesting.cmake
        DESTINATION lib/cmake/AgentHostSDK COMPONENT sdk)

# Collects the host's internal static libraries (ah_*) `target` links, recursively,
# and the other things they link, in `out_internal` / `out_external`.
function(ah_collect_static_closure target out_internal out_external)
  set(internal ${${out_internal}})
  set(external ${${out_external}})
  get_target_property(links ${target} LINK_LIBRARIES)
  if(links)
    foreach(item IN LISTS links)
      if(TARGET ${item})
        get_target_property(aliased ${item} ALIASED_TARGET)
        if(aliased)
          set(item ${aliased})
        endif()
      endif()
      if(item MATCHES "^ah_" AND TARGET ${item})
        if(NOT item IN_LIST internal)
          list(APPEND internal ${item})
          ah_collect_static_closure(${item} internal external)
        endif()
      elseif(NOT item IN_LIST external)
        list(APPEND external ${item})
      endif()
    endforeach()
  endif()
  set(${out_internal} ${internal} PARENT_SCOPE)
  set(${out_external} ${external} PARENT_SCOPE)
endfunction()

# The fake host links the host's internal static libraries, whose include paths
# point into this source tree. Rather than export a dozen private libraries, the
# installed AgentHost::testing is one archive holding the objects of the fake
# host and of every internal library it needs, plus the third-party libraries
# as link dependencies. Runs at the end of the top-level directory, when the
# host's targets exist.
function(ah_add_testing_archive)
  ah_testing_dependency_field(1 known_external)
  get_property(compile_only GLOBAL PROPERTY AH_TESTING_COMPILE_ONLY)
  list(APPEND known_external ${compile_only} ${CMAKE_DL_LIBS})
  set(internal)
  set(external)
  ah_collect_static_closure(agent_host_testing internal external)
  foreach(item IN LISTS external)
    if(NOT item IN_LIST known_external)
      message(FATAL_ERROR
        "The fake host now links '${item}', which the installed AgentHost::testing does not "
        "know. Add it to AH_TESTING_DEPENDENCIES in host/src/testing/TestingPackage.cmake "
        "(or to AH_TESTING_COMPILE_ONLY if it has no library).")
    endif()
  endforeach()
  set(objects $<TARGET_OBJECTS:agent_host_testing>)
  foreach(library IN LISTS internal)
    list(APPEND objects $<TARGET_OBJECTS:${library}>)
  endforeach()
  add_library(agent_host_testing_archive STATIC ${objects})
  set_target_properties(agent_host_testing_archive PROPERTIES
    OUTPUT_NAME agent_host_testing
    EXPORT_NAME testing
    LINKER_LANGUAGE CXX
    ARCHIVE_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/sdk-package)
  # Header-only dependencies were used at compile time only; keep link ones.
  list(REMOVE_ITEM external ${compile_only})
  target_link_libraries(agent_host_testing_archive INTERFACE agent_host_sdk ${external})
  if(AH_SANITIZE)  # instrumented objects need the sanitizer runtimes in the test binary
    target_link_options(agent_host_testing_archive INTERFACE -fsanitize=address,undefined)
  endif()
  install(TARGETS agent_host_testing_archive EXPORT AgentHostTestingTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT sdk)
  install(EXPORT AgentHostTestingTargets NAMESPACE AgentHost:: DESTINATION lib/cmake/AgentHostSDK
          COMPONENT sdk)
endfunction()
cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL ah_add_testing_archive)
