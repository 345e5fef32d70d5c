# Swagger UI for /docs: npm's swagger-ui-dist, fetched when configuring (by
# tools/fetch-swagger-ui.sh), copied next to the host binary
# (${CMAKE_BINARY_DIR}/bin/swagger-ui) and installed to share/agent-host/swagger-ui,
# the two places the host looks. Without it the build still works and /docs
# answers a 404 JSON error that says how to fix it.
set(AH_SWAGGER_UI_DIST "" CACHE PATH
    "An unpacked swagger-ui-dist package to use instead of fetching one with npm")
option(AH_FETCH_SWAGGER_UI "Fetch swagger-ui-dist with npm when configuring" ON)

set(ah_swagger_ui_candidates
  ${AH_SWAGGER_UI_DIST}
  ${CMAKE_BINARY_DIR}/_deps/swagger-ui-dist
  ${CMAKE_SOURCE_DIR}/build/_deps/swagger-ui-dist)  # the script's default destination
set(ah_swagger_ui_source "")
foreach(dir IN LISTS ah_swagger_ui_candidates)
  if(EXISTS ${dir}/swagger-ui-bundle.js)
    set(ah_swagger_ui_source ${dir})
    break()
  endif()
endforeach()

# One attempt per build folder: an offline machine should not wait on npm at
# every re-configure. Delete AH_SWAGGER_UI_FETCH_FAILED from the cache to retry.
if(NOT ah_swagger_ui_source AND AH_FETCH_SWAGGER_UI AND NOT AH_SWAGGER_UI_FETCH_FAILED)
  message(STATUS "Fetching swagger-ui-dist with npm")
  execute_process(
    COMMAND bash ${CMAKE_SOURCE_DIR}/tools/fetch-swagger-ui.sh ${CMAKE_BINARY_DIR}/_deps/swagger-ui-dist
    RESULT_VARIABLE ah_fetch_result
    OUTPUT_VARIABLE ah_fetch_output
    ERROR_VARIABLE ah_fetch_output
    TIMEOUT 180)
  if(ah_fetch_result EQUAL 0)
    set(ah_swagger_ui_source ${CMAKE_BINARY_DIR}/_deps/swagger-ui-dist)
  else()
    set(AH_SWAGGER_UI_FETCH_FAILED TRUE CACHE INTERNAL "swagger-ui-dist could not be fetched")
    string(STRIP "${ah_fetch_output}" ah_fetch_output)
    message(STATUS "${ah_fetch_output}")
  endif()
endif()

if(NOT ah_swagger_ui_source)
  message(WARNING
    "Swagger UI is not available, so /docs will answer 404 (the API description stays at "
    "/openapi.json). To fix: run tools/fetch-swagger-ui.sh (needs npm and the npm registry) "
    "and re-run cmake, or pass -DAH_SWAGGER_UI_DIST=<an unpacked swagger-ui-dist folder>.")
  return()
endif()
message(STATUS "Swagger UI from ${ah_swagger_ui_source}")

# What the page needs, plus the licence files that must travel with it. Source
# maps (several MB) stay out.
set(ah_swagger_ui_files
  swagger-ui-bundle.js swagger-ui-standalone-preset.js swagger-ui.css index.css index.html
  oauth2-redirect.html oauth2-redirect.js favicon-16x16.png favicon-32x32.png
  LICENSE NOTICE swagger-ui-bundle.js.LICENSE.txt swagger-ui-standalone-preset.js.LICENSE.txt)
set(ah_swagger_ui_out ${CMAKE_BINARY_DIR}/bin/swagger-ui)
set(ah_swagger_ui_inputs)
set(ah_swagger_ui_outputs)
foreach(file IN LISTS ah_swagger_ui_files)
  if(EXISTS ${ah_swagger_ui_source}/${file})
    list(APPEND ah_swagger_ui_inputs ${ah_swagger_ui_source}/${file})
    list(APPEND ah_swagger_ui_outputs ${ah_swagger_ui_out}/${file})
  endif()
endforeach()
# The package's own initializer shows the Petstore demo; ours shows this host's API.
set(ah_swagger_ui_initializer ${CMAKE_BINARY_DIR}/swagger-ui-initializer/swagger-initializer.js)
file(WRITE ${ah_swagger_ui_initializer}.in [=[
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout"
  });
};
]=])
# Written via a copy so an unchanged file keeps its time stamp (no re-copy).
configure_file(${ah_swagger_ui_initializer}.in ${ah_swagger_ui_initializer} COPYONLY)
list(APPEND ah_swagger_ui_inputs ${ah_swagger_ui_initializer})
list(APPEND ah_swagger_ui_outputs ${ah_swagger_ui_out}/swagger-initializer.js)

add_custom_command(OUTPUT ${ah_swagger_ui_outputs}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${ah_swagger_ui_out}
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${ah_swagger_ui_inputs} ${ah_swagger_ui_out}
  DEPENDS ${ah_swagger_ui_inputs}
  COMMENT "Copying Swagger UI to bin/swagger-ui")
add_custom_target(swagger-ui ALL DEPENDS ${ah_swagger_ui_outputs})
if(TARGET agent-host)
  add_dependencies(agent-host swagger-ui)  # a freshly built host serves /docs
endif()
install(FILES ${ah_swagger_ui_inputs} DESTINATION ${CMAKE_INSTALL_DATADIR}/agent-host/swagger-ui)
