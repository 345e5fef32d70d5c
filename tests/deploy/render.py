"""Renders the deployment the way deploy/deploy-all.sh does, for the deploy tests.

Every function returns parsed Kubernetes objects (dicts). Tools come from
build/tools (tools/fetch-helm.sh) unless AH_HELM / AH_KUBECTL name others.
"""
import os
import subprocess
import sys

import yaml

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ROLES = ("task-manager", "workflow", "reporting")
CHART = os.path.join(REPO, "deploy", "helm", "agent-host")
SKIP = 77  # CTest SKIP_RETURN_CODE


def tool(name):
    path = os.environ.get("AH_" + name.upper()) or os.path.join(REPO, "build", "tools", name)
    if not os.access(path, os.X_OK):
        sys.exit("%s not found at %s: run tools/fetch-helm.sh (or set AH_%s)" % (name, path, name.upper()))
    return path


def run(cmd):
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit("command failed (%d): %s\n%s%s" % (done.returncode, " ".join(cmd), done.stdout, done.stderr))
    return done.stdout


def parse(text):
    return [d for d in yaml.safe_load_all(text) if d]


def kustomize_text(path):
    """`kubectl kustomize` with no flags: what `kubectl apply -k` renders."""
    return run([tool("kubectl"), "kustomize", path])


def overlay_dir(role, variant=""):
    return os.path.join(REPO, "deploy", "k8s", "overlays", variant, role)


def overlay_text(role, variant=""):
    """variant "" = production overlays, "dev" = overlays/dev/<role>."""
    return kustomize_text(overlay_dir(role, variant))


def shared_text():
    return kustomize_text(os.path.join(REPO, "deploy", "k8s", "shared"))


def helm_args(role, variant="", config=None):
    args = ["-f", os.path.join(CHART, "values-%s.yaml" % role)]
    if variant:
        args += ["-f", os.path.join(CHART, "values-%s.yaml" % variant)]
    return args + ["--set-file", "config=%s" % (config or config_path(role))]


def helm_text(role, variant="", config=None):
    return run([tool("helm"), "template", role, CHART, "--namespace", role] + helm_args(role, variant, config))


def config_path(role):
    return os.path.join(REPO, "configs", "%s.yaml" % role)


def rendered_sets(variant=""):
    """(label, role, objects) for every overlay and every Helm values file
    (variant "dev": the development overlays / values-dev.yaml on top;
    "postgres": overlays/postgres/<role> / values-postgres.yaml on top)."""
    suffix = " (%s)" % variant if variant else ""
    for role in ROLES:
        yield "kustomize overlay %s%s" % (role, suffix), role, parse(overlay_text(role, variant))
    for role in ROLES:
        yield "helm values-%s.yaml%s" % (role, suffix), role, parse(helm_text(role, variant))


def deploy_all_text(*args):
    """What `deploy/deploy-all.sh --dry-run ARGS` prints: every role as the
    script would apply it (no cluster needed)."""
    path = os.pathsep.join([os.path.dirname(tool("helm")), os.path.dirname(tool("kubectl")), os.environ.get("PATH", "")])
    done = subprocess.run([os.path.join(REPO, "deploy", "deploy-all.sh"), "--dry-run"] + list(args),
                          capture_output=True, text=True, env=dict(os.environ, PATH=path))
    if done.returncode != 0:
        sys.exit("deploy-all.sh --dry-run %s failed (%d):\n%s" % (" ".join(args), done.returncode, done.stderr))
    return done.stdout


def by_role(objects):
    """{role: its namespace's objects} (the shared pieces left out)."""
    return {role: [o for o in objects if o["metadata"].get("namespace") == role] for role in ROLES}


def postgres_storage(role):
    """The storage section a role's config gets with storage.backend postgres:
    configs/<role>.yaml's (data_dir, synchronous: SQLite only) plus backend
    and the contract's postgres keys at the chart's defaults, which the
    Kustomize variant's copies must match."""
    with open(config_path(role)) as f:
        storage = dict(yaml.safe_load(f).get("storage") or {})
    with open(os.path.join(CHART, "values.yaml")) as f:
        chart = yaml.safe_load(f)["storage"]["postgres"]
    keys = ("url", "secret", "database", "pool_size", "connect_timeout_ms")
    return dict(storage, backend="postgres", postgres={k: chart[k] for k in keys})


def schemas_dir():
    """The shared schema folder; missing is a failure in CI, a skip elsewhere."""
    path = os.environ.get("AH_K8S_SCHEMAS") or os.path.join(REPO, "..", "shared", "k8s-schemas")
    if os.path.isfile(os.path.join(path, "validate.py")):
        return os.path.abspath(path)
    message = ("Kubernetes schemas not found at %s (expected validate.py there); "
               "set AH_K8S_SCHEMAS to the k8s-schemas folder" % os.path.abspath(path))
    if os.environ.get("CI", "").lower() == "true":
        sys.exit("FAIL: " + message)
    print("SKIP: " + message)
    sys.exit(SKIP)


class Checks:
    """Collects failed expectations so one run reports all of them."""

    def __init__(self):
        self.failures = []
        self.count = 0

    def expect(self, condition, where, message):
        self.count += 1
        if not condition:
            self.failures.append("%s: %s" % (where, message))
        return condition

    def finish(self, what):
        for failure in self.failures:
            print("FAIL " + failure)
        print("%s: %d checks, %d failed" % (what, self.count, len(self.failures)))
        return 1 if self.failures else 0
