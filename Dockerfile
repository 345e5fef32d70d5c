# One image for every Agent Host role; the mounted config chooses the role.
#
#   podman build -t agent-host:0.1.0 .        (or docker build)
#
# Both stages start from Debian bookworm-slim, so the runtime libraries are the
# exact Debian versions the build linked against.
ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim

# ---------------------------------------------------------------------------
FROM ${BASE_IMAGE} AS build
ARG DEBIAN_FRONTEND=noninteractive
WORKDIR /src

# The project's own dependency list, in a layer of its own so source edits
# do not reinstall the toolchain. nodejs/npm (for swagger-ui-dist) stay here.
COPY tools/install-deps.sh tools/install-deps.sh
RUN tools/install-deps.sh && rm -rf /var/lib/apt/lists/*

# Swagger UI comes with the context when tools/fetch-swagger-ui.sh already ran
# (see .dockerignore); otherwise it is fetched here (npm registry needed).
# Warnings are errors in the CI builds (debug, asan), not here: GCC's -O2-only
# false positives must not stop a release image.
COPY . .
RUN if [ -x tools/fetch-swagger-ui.sh ]; then tools/fetch-swagger-ui.sh; fi \
 && cmake --preset release -DAH_BUILD_TESTS=OFF -DAH_WERROR=OFF \
 && cmake --build --preset release \
 && DESTDIR=/staging cmake --install build/release --prefix /usr

# ---------------------------------------------------------------------------
FROM ${BASE_IMAGE} AS runtime
ARG DEBIAN_FRONTEND=noninteractive
ARG VERSION=0.1.0

# Runtime libraries only: the shared libraries of the build dependencies.
# (Header-only ones - nlohmann-json, CLI11, valijson, Boost.DLL - need nothing.)
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpistache0 libspdlog1.10 libfmt9 libprometheus-cpp-core1.0 libyaml-cpp0.7 \
      libcurl4 libsqlite3-0 libpq5 libhiredis0.14 libuv1 libboost-filesystem1.74.0 \
      libdate-tz3 libnettle8 tzdata ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb

# UID/GID 1000 as in the Kubernetes security context. The writable paths are
# the volumes below and /tmp; everything else may be mounted read-only.
RUN groupadd --gid 1000 agent-host \
 && useradd --uid 1000 --gid 1000 --no-create-home --home-dir /var/lib/agent-host \
      --shell /usr/sbin/nologin agent-host \
 && mkdir -p /etc/agent-host/config /etc/agent-host/secrets \
      /var/lib/agent-host/data /var/lib/agent-host/reports /var/log/agent-host \
 && chown -R 1000:1000 /var/lib/agent-host /var/log/agent-host

# Host binary, plugins (/usr/lib/agent-host/plugins), Swagger UI and the
# default configs/templates (/usr/share/agent-host). Not the SDK (headers,
# CMake package, fake-host archive) the same install puts in include/ and lib/.
COPY --from=build /staging/usr/bin/agent-host /usr/bin/agent-host
COPY --from=build /staging/usr/lib/agent-host/ /usr/lib/agent-host/
COPY --from=build /staging/usr/share/agent-host/ /usr/share/agent-host/

# Fail the build, not the first pod, when a file or a runtime library is missing.
RUN for plugin in task-manager workflow reporting hello; do \
      test -f /usr/lib/agent-host/plugins/ah-$plugin.so \
        || { echo "missing plugin /usr/lib/agent-host/plugins/ah-$plugin.so (install rules)"; exit 1; }; \
    done \
 && test -f /usr/share/agent-host/swagger-ui/index.html \
      || { echo "missing Swagger UI in /usr/share/agent-host/swagger-ui (tools/fetch-swagger-ui.sh)"; exit 1; } \
 && missing="$(ldd /usr/bin/agent-host /usr/lib/agent-host/plugins/*.so | grep 'not found' || true)" \
 && if [ -n "$missing" ]; then echo "missing runtime libraries:"; echo "$missing"; exit 1; fi \
 && { ldconfig -p | grep -q 'libcurl\.so\.4 ' \
      || { echo "missing libcurl.so.4 (loaded on the first outbound call, so ldd cannot see it)"; exit 1; }; } \
 && /usr/bin/agent-host --version

LABEL org.opencontainers.image.title="agent-host" \
      org.opencontainers.image.description="Plugin host for AI employee agents (task-manager, workflow, reporting)" \
      org.opencontainers.image.version="${VERSION}"

# Anonymous volumes keep `--read-only` runs working without extra flags.
VOLUME ["/var/lib/agent-host/data", "/var/lib/agent-host/reports", "/var/log/agent-host"]
USER 1000:1000
WORKDIR /var/lib/agent-host
EXPOSE 8080 9090
# The host is PID 1 and drains on SIGTERM (readiness false, in-flight requests
# finish within http.drain_timeout_ms, exit 0).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/agent-host"]
CMD ["--config", "/etc/agent-host/config/config.yaml"]
