#!/usr/bin/env python3
"""Renders every Kustomize overlay (production, dev and the PostgreSQL
variant, with plain `kubectl kustomize`), the shared pieces, every Helm values
file (alone, with values-dev.yaml and with values-postgres.yaml) and the whole
cluster with the in-cluster PostgreSQL as deploy-all.sh renders it (Helm and
Kustomize), validates each against the Kubernetes schemas
(k8s-schemas/validate.py) and runs `helm lint` per values file."""
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


VARIANTS = ("", "dev", "postgres")  # production, values-dev.yaml / overlays/dev, values-postgres.yaml / overlays/postgres


def main():
    schemas = render.schemas_dir()
    checks = render.Checks()
    texts = [("kustomize shared", render.shared_text())]
    for variant in VARIANTS:
        suffix = " (%s)" % variant if variant else ""
        texts += [("kustomize overlay %s%s" % (r, suffix), render.overlay_text(r, variant)) for r in render.ROLES]
        texts += [("helm values-%s.yaml%s" % (r, suffix), render.helm_text(r, variant)) for r in render.ROLES]
    texts.append(("kustomize overlay postgres/database", render.kustomize_text(render.overlay_dir("database", "postgres"))))
    texts += [("deploy-all %s--postgres in-cluster" % flag,
               render.deploy_all_text(*([flag.strip()] if flag else []) + ["--postgres", "in-cluster"]))
              for flag in ("", "--kustomize ")]
    for label, text in texts:
        checks.expect(validate(schemas, label, text), label, "schema validation failed (see above)")
    lints = [(role, variant, []) for variant in VARIANTS for role in render.ROLES]
    # The release that carries the in-cluster development database.
    lints.append(("task-manager", "postgres", ["--set", "postgresServer.enabled=true"]))
    for role, variant, extra in lints:
        label = "helm lint %s%s%s" % (role, " (%s)" % variant if variant else "", " " + " ".join(extra) if extra else "")
        done = subprocess.run([render.tool("helm"), "lint", "--strict", render.CHART, "--namespace", role]
                              + render.helm_args(role, variant) + extra, capture_output=True, text=True)
        print("%-40s %s" % (label, "ok" if done.returncode == 0 else "FAILED"))
        checks.expect(done.returncode == 0, label, done.stdout + done.stderr)
    return checks.finish("render+validate")


if __name__ == "__main__":
    sys.exit(main())
