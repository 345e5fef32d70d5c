#!/usr/bin/env python3
"""Renders every Kustomize overlay, the shared pieces and every Helm values
file, validates each against the Kubernetes schemas (k8s-schemas/validate.py)
and runs `helm lint` per values file."""
import os
import subprocess
import sys

import render


def validate(schemas, label, text):
    done = subprocess.run([sys.executable, os.path.join(schemas, "validate.py"),
                           "--schemas", os.path.join(schemas, "schemas")],
                          input=text, capture_output=True, text=True)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()
    print("%-40s %s" % (label, summary))
    if done.returncode != 0:
        print(done.stdout + done.stderr)
    return done.returncode == 0


def main():
    schemas = render.schemas_dir()
    checks = render.Checks()
    texts = [("kustomize shared", render.shared_text())]
    texts += [("kustomize overlay " + r, render.overlay_text(r)) for r in render.ROLES]
    texts += [("helm values-%s.yaml" % r, render.helm_text(r)) for r in render.ROLES]
    for label, text in texts:
        checks.expect(validate(schemas, label, text), label, "schema validation failed (see above)")
    for role in render.ROLES:
        done = subprocess.run([render.tool("helm"), "lint", "--strict", render.CHART, "--namespace", role]
                              + render.helm_args(role), capture_output=True, text=True)
        print("%-40s %s" % ("helm lint " + role, "ok" if done.returncode == 0 else "FAILED"))
        checks.expect(done.returncode == 0, "helm lint values-%s.yaml" % role, done.stdout + done.stderr)
    return checks.finish("render+validate")


if __name__ == "__main__":
    sys.exit(main())
