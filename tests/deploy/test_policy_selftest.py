#!/usr/bin/env python3
"""The policy checker must catch each kind of violation: every case breaks the
real rendered manifests in one way and expects a failure naming it."""
import copy
import sys

import policy
import render


SERVICES = {"task-manager": "task-manager", "workflow": "workflow-automation", "reporting": "reporting-agent"}


def deployment(objects, role):
    return policy.find(objects, "Deployment", SERVICES[role])[0]


def server(objects, role):
    return deployment(objects, role)["spec"]["template"]["spec"]["containers"][0]


def redis_server(objects):
    return policy.find(objects, "Deployment", "redis")[0]["spec"]["template"]["spec"]["containers"][0]


def unmount(container, path):
    container["volumeMounts"] = [m for m in container["volumeMounts"] if m["mountPath"] != path]


def add_role(objects):
    objects.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                    "metadata": {"name": "unused", "namespace": "workflow"}, "rules": []})


def drop_policy(objects, name):
    objects[:] = [o for o in objects if not (o["kind"] == "NetworkPolicy" and o["metadata"]["name"] == name)]


def allow_all_ingress(objects):
    objects.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                    "metadata": {"name": "oops", "namespace": "task-manager"},
                    "spec": {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{}]}})


def add_hpa(objects):
    objects.append({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                    "metadata": {"name": "task-manager", "namespace": "task-manager"},
                    "spec": {"minReplicas": 1, "maxReplicas": 3, "metrics": []}})


CASES = [  # (what, role to break, mutation, expected message fragment)
    ("missing limits", "task-manager", lambda o: server(o, "task-manager")["resources"].pop("limits"), "resources.limits.cpu"),
    ("latest tag", "workflow", lambda o: server(o, "workflow").update(image="x/agent-host:latest"), "pinned tag"),
    ("no readiness probe", "reporting", lambda o: server(o, "reporting").pop("readinessProbe"), "needs a readinessProbe"),
    ("writable root", "task-manager", lambda o: server(o, "task-manager")["securityContext"].update(readOnlyRootFilesystem=False), "readOnlyRootFilesystem"),
    ("privilege escalation", "task-manager", lambda o: server(o, "task-manager")["securityContext"].pop("allowPrivilegeEscalation"), "allowPrivilegeEscalation"),
    ("unnamed service port", "workflow", lambda o: policy.find(o, "Service", "workflow-automation")[0]["spec"]["ports"][0].pop("name"), "needs a name"),
    ("extra flow", "task-manager", allow_all_ingress, "nothing uses"),
    ("missing flow", "workflow", lambda o: drop_policy(o, "allow-to-redis"), "block a used flow"),
    ("HPA on SQLite role", "task-manager", add_hpa, "must not have an HPA"),
    ("config drift", "reporting", lambda o: policy.config_maps(o)[0]["data"].update({"config.yaml": "service: x\n"}), "byte for byte"),
    ("grace shorter than drain", "workflow", lambda o: deployment(o, "workflow")["spec"]["template"]["spec"].update(terminationGracePeriodSeconds=10), "terminationGracePeriodSeconds"),
    ("replicas beside the HPA", "workflow", lambda o: deployment(o, "workflow")["spec"].update(replicas=1), "must not set replicas"),
    ("quota below the HPA peak", "workflow", lambda o: policy.find(o, "ResourceQuota")[0]["spec"]["hard"].update({"requests.cpu": "2"}), "does not admit the peak"),
    ("unused Role", "workflow", add_role, "no Role"),
    ("service account token", "workflow", lambda o: deployment(o, "workflow")["spec"]["template"]["spec"].update(automountServiceAccountToken=True), "automountServiceAccountToken"),
    ("no app label", "reporting", lambda o: deployment(o, "reporting")["spec"]["template"]["metadata"]["labels"].pop("app"), "app=reporting-agent"),
    ("Secret key not mapped", "task-manager", lambda o: deployment(o, "task-manager")["spec"]["template"]["spec"]["volumes"][2]["secret"].pop("items"), "must be the file"),
    ("Redis without password", "workflow", lambda o: redis_server(o)["args"].remove("--requirepass"), "--requirepass $(VAR)"),
    ("Redis password not mounted", "workflow", lambda o: unmount(server(o, "workflow"), "/etc/agent-host/secrets/redis-secret"), "mount the Secret redis-secret"),
    ("Redis probe without login", "workflow", lambda o: redis_server(o)["readinessProbe"]["exec"].update(command=["redis-cli", "ping"]), "compare the answer with PONG"),
    ("Redis without PDB", "workflow", lambda o: o.remove(policy.find(o, "PodDisruptionBudget", "redis")[0]), "Redis needs its PodDisruptionBudget"),
    ("agent step without its policy", "workflow", lambda o: drop_policy(o, "allow-to-task-manager"), "workflow peers.task-manager"),
    ("LLM blocked", "reporting", lambda o: drop_policy(o, "allow-to-llm"), "reporting LLM"),
    ("http step blocked", "workflow", lambda o: drop_policy(o, "allow-http-steps"), "http step http://chat.internal"),
    ("console path missing", "workflow", lambda o: policy.find(o, "Ingress")[0]["spec"]["rules"][0]["http"]["paths"].pop(), "'/console']"),
    ("wrong liveness timing", "reporting", lambda o: server(o, "reporting")["livenessProbe"].update(initialDelaySeconds=5), "liveness must be"),
]


def set_storage_backend(objects, backend):
    config_map = policy.config_maps(objects)[0]
    config = policy.yaml.safe_load(config_map["data"]["config.yaml"])
    config["storage"]["backend"] = backend
    config_map["data"]["config.yaml"] = policy.yaml.safe_dump(config)


def open_database_to_all(objects):
    rule = policy.find(objects, "NetworkPolicy", "postgres-from-hosts")[0]["spec"]["ingress"][0]
    rule["from"] = [{"namespaceSelector": {}}]


# The PostgreSQL variant (deploy-all.sh --kustomize --postgres in-cluster).
POSTGRES_CASES = [
    ("postgres role without HPA", "task-manager", lambda o: o.remove(policy.find(o, "HorizontalPodAutoscaler")[0]), "needs one HPA"),
    ("postgres role pinned to 1", "reporting", lambda o: deployment(o, "reporting")["spec"].update(replicas=1), "must not set replicas"),
    ("reports volume kept", "reporting", lambda o: o.append({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "agent-host-reports", "namespace": "reporting"}, "spec": {"resources": {"requests": {"storage": "5Gi"}}}}), "agent-host-reports"),
    ("database egress blocked", "workflow", lambda o: drop_policy(o, "allow-to-postgres"), "workflow storage.backend postgres"),
    ("database open to all pods", "task-manager", open_database_to_all, "nothing uses"),
    ("database without PDB", "task-manager", lambda o: o.remove(policy.find(o, "PodDisruptionBudget", "postgres")[0]), "needs its PDB"),
    ("database not headless", "task-manager", lambda o: policy.find(o, "Service", "postgres")[0]["spec"].pop("clusterIP"), "headless Service"),
    ("database probe not pg_isready", "task-manager", lambda o: policy.find(o, "StatefulSet")[0]["spec"]["template"]["spec"]["containers"][0]["readinessProbe"].update(exec={"command": ["true"]}), "readinessProbe must be pg_isready"),
    ("quota without the database", "task-manager", lambda o: policy.find(o, "ResourceQuota")[0]["spec"]["hard"].update({"requests.cpu": "1700m"}), "does not admit the peak"),
    ("volume claim over quota", "task-manager", lambda o: policy.find(o, "ResourceQuota")[0]["spec"]["hard"].update({"persistentvolumeclaims": "0"}), "persistentvolumeclaims must admit 1"),
    ("storage not postgres", "workflow", lambda o: set_storage_backend(o, "sqlite"), "with the storage section"),
    ("shared log file", "workflow", lambda o: [m.pop("subPathExpr", None) for m in server(o, "workflow")["volumeMounts"]], "it needs subPathExpr"),
]


def run_postgres(objects_by_role):
    checks = render.Checks()
    for role, objects in objects_by_role.items():
        policy.check_generic(checks, objects)
        policy.check_role(checks, role, role, objects, open(render.config_path(role)).read(),
                          storage=render.postgres_storage(role))
    policy.check_database(checks, "task-manager/postgres", objects_by_role["task-manager"])
    policy.check_flows(checks, "flows", objects_by_role, policy.rendered_configs(objects_by_role))
    return checks.failures


def run_cases(cases, pristine, run):
    failed = 0
    for what, role, mutate, fragment in cases:
        broken = copy.deepcopy(pristine)
        mutate(broken[role])
        failures = run(broken)
        caught = any(fragment in f for f in failures)
        print("%-4s %-28s %s" % ("ok" if caught else "FAIL", what,
                                 "caught" if caught else "not caught (got: %s)" % failures[:3]))
        failed += 0 if caught else 1
    return failed


def run_all(objects_by_role, configs):
    checks = render.Checks()
    for role, objects in objects_by_role.items():
        policy.check_generic(checks, objects)
        policy.check_role(checks, role, role, objects, configs[role])
    policy.check_flows(checks, "flows", objects_by_role)
    return checks.failures


def without_workflow_peers():
    """configs/workflow.yaml as before this project had workflow peers."""
    configs = original_role_configs()
    configs["workflow"].pop("peers", None)
    return configs


original_role_configs = policy.flows.role_configs


def main():
    pristine = {role: render.parse(render.overlay_text(role)) for role in render.ROLES}
    configs = {role: open(render.config_path(role)).read() for role in render.ROLES}
    baseline = run_all(copy.deepcopy(pristine), configs)
    if baseline:
        print("FAIL the unmodified manifests already fail:\n  " + "\n  ".join(baseline))
        return 1
    failed = run_cases(CASES, pristine, lambda objects: run_all(objects, configs))
    postgres = render.by_role(render.parse(render.deploy_all_text("--kustomize", "--postgres", "in-cluster")))
    baseline = run_postgres(copy.deepcopy(postgres))
    if baseline:
        print("FAIL the unmodified PostgreSQL manifests already fail:\n  " + "\n  ".join(baseline))
        return 1
    failed += run_cases(POSTGRES_CASES, postgres, run_postgres)
    # A template's agent step with no peer for it is caught from the configs.
    policy.flows.role_configs = without_workflow_peers
    failures = run_all(copy.deepcopy(pristine), configs)
    policy.flows.role_configs = original_role_configs
    caught = any('calls agent task-manager but configs/workflow.yaml has no peers.task-manager' in f for f in failures)
    print("%-4s %-28s %s" % ("ok" if caught else "FAIL", "agent step without a peer", "caught" if caught else failures[:3]))
    failed += 0 if caught else 1
    print("policy self-test: %d cases, %d not caught" % (len(CASES) + len(POSTGRES_CASES) + 1, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
