# Install rules of the SDK CMake package and the product.
#
#   include/agent_host/   abi.h, sdk.hpp and the headers it gathers, detail/, testing.hpp
#   lib/cmake/AgentHostSDK/{AgentHostSDKConfig.cmake, ...ConfigVersion.cmake,
#                           AgentHostPlugin.cmake, AgentHostSDKTargets.cmake, ...}
#   lib/libagent_host_testing.a   the fake host (installed by host/src/testing)
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

# Every header of the contract, so a new one cannot be forgotten here.
install(DIRECTORY include/agent_host DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT sdk
        FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")
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
