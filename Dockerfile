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
# do not reinstall the toolchain. nodejs/npm (for swagger-ui-dist, preact, htm) stay here.
COPY tools/install-deps.sh tools/install-deps.sh
RUN tools/install-deps.sh && rm -rf /var/lib/apt/lists/*

# Swagger UI and the console's libraries come with the context when
# tools/fetch-swagger-ui.sh and tools/fetch-console-libs.sh already ran (see
# .dockerignore); otherwise they are fetched here (npm registry needed).
# The Debian packages, as the README makes them (release build, no tests;
# warnings are errors in the CI builds, not here: GCC's -O2-only false
# positives must not stop a release): build/package/packages/*.deb.
COPY . .
RUN if [ -x tools/fetch-swagger-ui.sh ]; then tools/fetch-swagger-ui.sh; fi \
 && cmake --workflow --preset package

# ---------------------------------------------------------------------------
FROM ${BASE_IMAGE} AS runtime
ARG DEBIAN_FRONTEND=noninteractive
ARG VERSION=0.1.0

# The agent-host package, the one way to install the product: apt brings the
# runtime libraries its Depends name (dpkg-shlibdeps), nothing else.
COPY --from=build /src/build/package/packages/agent-host_*.deb /tmp/
RUN apt-get update \
 && apt-get install -y --no-install-recommends /tmp/agent-host_*.deb \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb /tmp/agent-host_*.deb

# UID/GID 1000 as in the Kubernetes security context. The writable paths are
# the volumes below and /tmp; everything else may be mounted read-only.
RUN groupadd --gid 1000 agent-host \
 && useradd --uid 1000 --gid 1000 --no-create-home --home-dir /var/lib/agent-host \
      --shell /usr/sbin/nologin agent-host \
 && mkdir -p /etc/agent-host/config /etc/agent-host/secrets \
      /var/lib/agent-host/data /var/lib/agent-host/reports /var/log/agent-host \
 && chown -R 1000:1000 /var/lib/agent-host /var/log/agent-host

# Fail the build, not the first pod, when a file or a runtime library is missing.
RUN for plugin in task-manager workflow reporting console hello; do \
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
      org.opencontainers.image.description="Plugin host for AI employee agents (task-manager, workflow, reporting, console)" \
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
