#!/usr/bin/env python3
"""Policy checks on every rendered overlay and Helm values file: requests and
limits, probes, restricted security context, pinned images, named Service
ports, each role's governance settings, ConfigMaps equal to configs/<role>.yaml,
and NetworkPolicies that allow exactly the listed flows."""
import sys

import policy
import render


def main():
    checks = render.Checks()
    by_tool = {"kustomize": {}, "helm": {}}
    for label, role, objects in render.rendered_sets():
        with open(render.config_path(role)) as f:
            config_text = f.read()
        before = len(checks.failures)
        policy.check_generic(checks, objects)
        policy.check_role(checks, label, role, objects, config_text)
        print("%-40s %d objects, %s" % (label, len(objects),
                                          "ok" if len(checks.failures) == before else "FAILED"))
        by_tool[label.split()[0]][role] = objects
    for tool, objects_by_role in by_tool.items():
        before = len(checks.failures)
        policy.check_flows(checks, "network flows (%s)" % tool, objects_by_role)
        print("%-40s %s" % ("network flows (%s)" % tool, "ok" if len(checks.failures) == before else "FAILED"))

    shared = render.parse(render.shared_text())
    namespaces = {o["metadata"]["name"]: o["metadata"].get("labels", {}) for o in policy.find(shared, "Namespace")}
    checks.expect(set(namespaces) == set(render.ROLES), "shared namespaces", "expected %s" % list(render.ROLES))
    for name, labels in namespaces.items():
        checks.expect(labels.get("purpose") == "ai-employee", "namespace " + name, "needs label purpose: ai-employee")
        checks.expect(labels.get("pod-security.kubernetes.io/enforce") == "restricted", "namespace " + name,
                      "should enforce the restricted Pod Security profile")
    rules = policy.find(shared, "PrometheusRule")
    alerts = {r["alert"] for o in rules for g in o["spec"]["groups"] for r in g["rules"]}
    wanted = {"AgentHostPodDown", "AgentHostHighCpu", "AgentHostHighMemory", "AgentHostHighErrorRate", "AgentHostHpaAtMax"}
    checks.expect(alerts == wanted, "PrometheusRule", "alerts must be %s, got %s" % (sorted(wanted), sorted(alerts)))
    return checks.finish("policy")


if __name__ == "__main__":
    sys.exit(main())
