#!/usr/bin/env bash
# Installs the Debian packages the build, the product, its packaging (CPack:
# dpkg-shlibdeps from dpkg-dev, which needs file) and the tests need.
# Idempotent: installs only what is missing, and fails loudly when apt does.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates file dpkg-dev
  libboost-dev libboost-filesystem-dev libpistache-dev nlohmann-json3-dev libspdlog-dev
  prometheus-cpp-dev libuv1-dev libsqlite3-dev sqlite3 libpq-dev libhiredis-dev redis-server redis-tools
  libyaml-cpp-dev libcli11-dev libcurl4-openssl-dev nettle-dev libbenchmark-dev
  libgtest-dev libgmock-dev libhowardhinnant-date-dev libvalijson-dev libkainjow-mustache-dev libxml2-dev
  tzdata curl python3
)
# Node.js and npm fetch Swagger UI at build time (tools/fetch-swagger-ui.sh)
# and the two OpenAPI checkers the integration tests run on /openapi.json
# (tools/fetch-openapi-checkers.sh, CTest's openapi.fetch_checkers). A machine
# that already has them from elsewhere (e.g. NodeSource, whose nodejs
# conflicts with Debian's npm) keeps its own.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
for flag in "$@"; do
  case "$flag" in
    --test)
      # Tests and benchmarks: load generator, nginx for comparison, promtool, ctags (the
      # shape check), Helm/kubectl
      # checks, the PostgreSQL server the tests start on loopback, and lintian
      # (Debian's checker) for the packages, and Chromium for the console's
      # browser test (driven by puppeteer-core, tools/fetch-browser-test-tools.sh).
      packages+=(wrk nginx-light prometheus clang-format universal-ctags python3-yaml python3-jsonschema
        unzip lintian postgresql-15 chromium)
      # The fuzz preset: clang with libFuzzer and the sanitizer runtimes, and
      # llvm-symbolizer (package llvm) so a crash's stack names the lines.
      packages+=(clang libclang-rt-14-dev llvm)
      ;;
    --image)
      # The container image test (ctest -L image): podman with runc, a debootstrap'ed
      # base image, podman-compose, and netavark/aardvark-dns for service names.
      packages+=(podman runc debootstrap debian-archive-keyring podman-compose uidmap slirp4netns
        fuse-overlayfs netavark aardvark-dns iptables python3-yaml)
      ;;
    *) echo "install-deps: unknown option '$flag' (use --test and/or --image)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
