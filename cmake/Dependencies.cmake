# All third-party packages come from Debian; see tools/install-deps.sh.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS filesystem)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(spdlog REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(CURL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL 15 REQUIRED)  # libpq: the PostgreSQL storage engine
pkg_check_modules(PISTACHE REQUIRED IMPORTED_TARGET libpistache)
pkg_check_modules(LIBUV REQUIRED IMPORTED_TARGET libuv)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
pkg_check_modules(NETTLE REQUIRED IMPORTED_TARGET nettle)
if(AH_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()

# Boost.DLL uses std::filesystem instead of Boost.Filesystem when this is set.
add_compile_definitions(BOOST_DLL_USE_STD_FS)
find_package(date REQUIRED)        # date::date-tz: IANA time zones from the system tzdata
find_package(valijson REQUIRED)    # JSON Schema validation of config sections
