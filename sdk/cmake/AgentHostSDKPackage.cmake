# Install rules of the SDK CMake package and the product.
#
#   include/agent_host/{abi.h,sdk.hpp,conditional.hpp,list_params.hpp,testing.hpp}
#   lib/cmake/AgentHostSDK/{AgentHostSDKConfig.cmake, ...ConfigVersion.cmake,
#                           AgentHostPlugin.cmake, AgentHostSDKTargets.cmake, ...}
#   lib/libagent_host_testing.a   the fake host, one self-contained archive
#
# find_package(AgentHostSDK) then gives AgentHost::abi (C), AgentHost::sdk (C++),
# AgentHost::testing and agent_host_add_plugin(). The host binary and the
# plugins install themselves (host/CMakeLists.txt, agent_host_add_plugin).
include(CMakePackageConfigHelpers)

set(AH_SDK_CMAKE_DIR lib/cmake/AgentHostSDK)

# The C contract alone, for plugins written in C (no C++ or JSON dependency).
add_library(agent_host_abi INTERFACE)
add_library(AgentHost::abi ALIAS agent_host_abi)
target_include_directories(agent_host_abi INTERFACE
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(agent_host_abi PROPERTIES EXPORT_NAME abi)
set_target_properties(agent_host_sdk PROPERTIES EXPORT_NAME sdk)

install(FILES include/agent_host/abi.h include/agent_host/sdk.hpp include/agent_host/list_params.hpp
              include/agent_host/conditional.hpp include/agent_host/testing.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/agent_host COMPONENT sdk)
install(TARGETS agent_host_abi agent_host_sdk EXPORT AgentHostSDKTargets)
install(EXPORT AgentHostSDKTargets NAMESPACE AgentHost:: DESTINATION ${AH_SDK_CMAKE_DIR}
        COMPONENT sdk)

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/AgentHostSDKConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/AgentHostSDKConfig.cmake
  INSTALL_DESTINATION ${AH_SDK_CMAKE_DIR})
# The package version is the product's; whether a plugin loads is decided by
# the ABI version in abi.h, checked by the host at load time.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/AgentHostSDKConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/AgentHostSDKConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/AgentHostSDKConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/AgentHostPlugin.cmake
        DESTINATION ${AH_SDK_CMAKE_DIR} COMPONENT sdk)

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
  # Third-party targets the fake host's archive needs. AgentHostSDKConfig.cmake
  # finds exactly these; a new dependency of the host's runtime must be added
  # here and there (the check below says so).
  set(known_external
    agent_host_sdk nlohmann_json::nlohmann_json spdlog::spdlog prometheus-cpp::core yaml-cpp
    CURL::libcurl SQLite::SQLite3 PostgreSQL::PostgreSQL date::date-tz PkgConfig::LIBUV Threads::Threads
    Boost::headers
    valijson ${CMAKE_DL_LIBS})
  set(internal)
  set(external)
  ah_collect_static_closure(agent_host_testing internal external)
  foreach(item IN LISTS external)
    if(NOT item IN_LIST known_external)
      message(FATAL_ERROR
        "The fake host now links '${item}', which the installed AgentHost::testing does not "
        "know. Add it to known_external in sdk/cmake/AgentHostSDKPackage.cmake and "
        "find it in sdk/cmake/AgentHostSDKConfig.cmake.in.")
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
  list(REMOVE_ITEM external agent_host_sdk Boost::headers valijson)
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
