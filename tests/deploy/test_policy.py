#!/usr/bin/env python3
"""Policy checks on every rendered overlay and Helm values file: requests and
limits, probes, restricted security context, pinned images, named Service
ports, each role's governance settings, ConfigMaps equal to configs/<role>.yaml,
NetworkPolicies that allow exactly the listed flows, one certificate for the
shared Ingress host (production) or plain http://localhost (dev), and a config
change that rolls the pods."""
import os
import shutil
import sys
import tempfile

import policy
import render


def pod_template_after_edit(role, tool, edit):
    """The rendered Deployment's pod template after `edit(config_text)`; the
    Kustomize overlay is rendered from a copy of deploy/k8s."""
    with tempfile.TemporaryDirectory() as tmp:
        with open(render.config_path(role)) as f:
            text = edit(f.read())
        if tool == "kustomize":
            shutil.copytree(os.path.join(render.REPO, "deploy", "k8s"), os.path.join(tmp, "k8s"))
            overlay = os.path.join(tmp, "k8s", "overlays", role)
            with open(os.path.join(overlay, "config.yaml"), "w") as f:
                f.write(text)
            objects = render.parse(render.kustomize_text(overlay))
        else:
            path = os.path.join(tmp, "config.yaml")
            with open(path, "w") as f:
                f.write(text)
            objects = render.parse(render.helm_text(role, config=path))
    name = policy.service_name(text)
    return policy.find(objects, "Deployment", name)[0]["spec"]["template"]


def check_config_rolls(checks):
    """Kubernetes rolls a Deployment when its pod template changes: a config
    edit must change it (hashed ConfigMap name / checksum annotation)."""
    keep = lambda text: text
    edit = lambda text: text.replace("level: info", "level: debug", 1)
    for role in render.ROLES:
        for tool in ("kustomize", "helm"):
            where = "%s %s" % (tool, role)
            checks.expect(pod_template_after_edit(role, tool, keep) == pod_template_after_edit(role, tool, keep),
                          where, "the same config must render the same pod template")
            checks.expect(pod_template_after_edit(role, tool, keep) != pod_template_after_edit(role, tool, edit),
                          where, "a config change must change the pod template (hashed ConfigMap or checksum)")


def check_volumes_kept(checks, label, objects):
    """The SQLite files and reports must outlive a `helm upgrade` to
    PostgreSQL storage (which renders no such volume) and `helm uninstall`,
    so that they can still be exported."""
    for pvc in policy.find(objects, "PersistentVolumeClaim"):
        if pvc["metadata"]["name"] not in policy.DATABASE_VOLUMES:
            continue
        annotations = pvc["metadata"].get("annotations") or {}
        checks.expect(annotations.get("helm.sh/resource-policy") == "keep", label + policy.where(pvc),
                      "needs the annotation helm.sh/resource-policy: keep")


def main():
    checks = render.Checks()
    by_tool = {"kustomize": {}, "helm": {}}
    for label, role, objects in render.rendered_sets():
        with open(render.config_path(role)) as f:
            config_text = f.read()
        before = len(checks.failures)
        policy.check_generic(checks, objects)
        policy.check_role(checks, label, role, objects, config_text)
        if label.startswith("helm"):
            check_volumes_kept(checks, label, objects)
        print("%-40s %d objects, %s" % (label, len(objects),
                                          "ok" if len(checks.failures) == before else "FAILED"))
        by_tool[label.split()[0]][role] = objects
    for tool, objects_by_role in by_tool.items():
        before = len(checks.failures)
        policy.check_flows(checks, "network flows (%s)" % tool, objects_by_role)
        print("%-40s %s" % ("network flows (%s)" % tool, "ok" if len(checks.failures) == before else "FAILED"))
    ingresses = {("production", tool): [i for objs in objects_by_role.values() for i in policy.find(objs, "Ingress")]
                 for tool, objects_by_role in by_tool.items()}
    for label, role, objects in render.rendered_sets("dev"):
        policy.check_role(checks, label, role, objects, open(render.config_path(role)).read())
        ingresses.setdefault(("dev", label.split()[0]), []).extend(policy.find(objects, "Ingress"))
    for (variant, tool), found in ingresses.items():
        label = "ingress %s (%s)" % (tool, variant)
        before = len(checks.failures)
        policy.check_ingress_variant(checks, label, found, variant)
        print("%-40s %s" % (label, "ok" if len(checks.failures) == before else "FAILED"))
    before = len(checks.failures)
    check_config_rolls(checks)
    print("%-40s %s" % ("a config change rolls the pods", "ok" if len(checks.failures) == before else "FAILED"))

    shared = render.parse(render.shared_text())
    namespaces = {o["metadata"]["name"]: o["metadata"].get("labels", {}) for o in policy.find(shared, "Namespace")}
    checks.expect(set(namespaces) == set(render.ROLES), "shared namespaces", "expected %s" % list(render.ROLES))
    for name, labels in namespaces.items():
        checks.expect(labels.get("purpose") == "ai-employee", "namespace " + name, "needs label purpose: ai-employee")
        checks.expect(bool(labels.get("phase")), "namespace " + name, "needs the governance's label phase")
        checks.expect(labels.get("pod-security.kubernetes.io/enforce") == "restricted", "namespace " + name,
                      "should enforce the restricted Pod Security profile")
    rules = policy.find(shared, "PrometheusRule")
    alerts = {r["alert"]: r["labels"].get("severity") for o in rules for g in o["spec"]["groups"] for r in g["rules"]}
    # Severities as the governance documents give them.
    wanted = {"AgentHostPodDown": "critical", "AgentHostHighCpu": "warning", "AgentHostHighMemory": "warning",
              "AgentHostHighErrorRate": "warning", "AgentHostHpaAtMax": "warning", "AgentHostCronJobFailed": "warning"}
    checks.expect(alerts == wanted, "PrometheusRule", "alerts and severities must be %s, got %s" % (wanted, alerts))
    return checks.finish("policy")


if __name__ == "__main__":
    sys.exit(main())
