#!/usr/bin/env python3
"""Renders every Kustomize overlay (production and dev, with plain
`kubectl kustomize`), the shared pieces and every Helm values file (alone and
with values-dev.yaml), validates each against the Kubernetes schemas (k8s-schemas/validate.py)
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
    for variant in ("", "dev"):
        suffix = " (%s)" % variant if variant else ""
        texts += [("kustomize overlay %s%s" % (r, suffix), render.overlay_text(r, variant)) for r in render.ROLES]
        texts += [("helm values-%s.yaml%s" % (r, suffix), render.helm_text(r, variant)) for r in render.ROLES]
    for label, text in texts:
        checks.expect(validate(schemas, label, text), label, "schema validation failed (see above)")
    for variant in ("", "dev"):
        for role in render.ROLES:
            label = "helm lint %s%s" % (role, " (%s)" % variant if variant else "")
            done = subprocess.run([render.tool("helm"), "lint", "--strict", render.CHART, "--namespace", role]
                                  + render.helm_args(role, variant), capture_output=True, text=True)
            print("%-40s %s" % (label, "ok" if done.returncode == 0 else "FAILED"))
            checks.expect(done.returncode == 0, label, done.stdout + done.stderr)
    return checks.finish("render+validate")


if __name__ == "__main__":
    sys.exit(main())
