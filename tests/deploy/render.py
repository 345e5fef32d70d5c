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


def kustomize_text(path, unrestricted=True):
    cmd = [tool("kubectl"), "kustomize"]
    if unrestricted:
        cmd += ["--load-restrictor", "LoadRestrictionsNone"]
    return run(cmd + [path])


def overlay_text(role):
    return kustomize_text(os.path.join(REPO, "deploy", "k8s", "overlays", role))


def shared_text():
    return kustomize_text(os.path.join(REPO, "deploy", "k8s", "shared"), unrestricted=False)


def helm_args(role):
    return ["-f", os.path.join(CHART, "values-%s.yaml" % role),
            "--set-file", "config=%s" % config_path(role)]


def helm_text(role):
    return run([tool("helm"), "template", role, CHART, "--namespace", role] + helm_args(role))


def config_path(role):
    return os.path.join(REPO, "configs", "%s.yaml" % role)


def rendered_sets():
    """(label, role, objects) for every overlay and every Helm values file."""
    for role in ROLES:
        yield "kustomize overlay %s" % role, role, parse(overlay_text(role))
    for role in ROLES:
        yield "helm values-%s.yaml" % role, role, parse(helm_text(role))


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
