#!/usr/bin/env python3
"""The PostgreSQL storage variant as shipped: every Helm values file with
values-postgres.yaml, every overlays/postgres/<role>, and the whole cluster as
`deploy/deploy-all.sh --dry-run --postgres in-cluster|external` renders it
(Helm and Kustomize). Checks the governance's rules as test_policy.py does
for SQLite, plus: the seeds' HPA for all three roles, no data/reports volume,
the db-secret mounted with its keys as files, the ConfigMap's storage section,
egress to the database on 5432 and nothing else new, the in-cluster
database (StatefulSet with its own volume, headless Service, PDB, reachable
only by the agent-host pods of the three namespaces) and quotas that admit
every role at its HPA maximum with the database."""
import sys

import netpol
import policy
import render

# An external database for the --postgres-cidr renders (TEST-NET-1).
EXTERNAL_DB = netpol.Pod(None, {}, {(5432, "TCP"): None}, ip="192.0.2.10", name="external/postgres")
EXTERNAL_CIDR = "192.0.2.10/32"


def check_roles(checks, label, objects_by_role):
    """Per role: the generic and governance rules with the PostgreSQL
    expectations (policy.check_role reads the backend from the config)."""
    for role, objects in objects_by_role.items():
        at = "%s %s" % (label, role)
        before = len(checks.failures)
        with open(render.config_path(role)) as f:
            config_text = f.read()
        policy.check_generic(checks, objects)
        policy.check_role(checks, at, role, objects, config_text, storage=render.postgres_storage(role))
        name = policy.service_name(config_text)
        # Said outright, though check_role implies it: the seeds' HPA, no
        # ReadWriteOnce volume of the host, db-secret's keys as files.
        hpas = policy.find(objects, "HorizontalPodAutoscaler", name)
        checks.expect(len(hpas) == 1, at, "needs the HPA %s (1-5, 80%% CPU and memory)" % name)
        for pvc in policy.find(objects, "PersistentVolumeClaim"):
            checks.expect(pvc["metadata"]["name"] not in policy.DATABASE_VOLUMES, at + policy.where(pvc),
                          "PostgreSQL keeps the data and the reports: no such volume")
        deployment = policy.find(objects, "Deployment", name)
        if deployment:
            pod = policy.pod_templates(deployment[0])[0]
            claims = {v["persistentVolumeClaim"]["claimName"] for v in pod.get("volumes") or []
                      if "persistentVolumeClaim" in v}
            checks.expect(not claims & policy.DATABASE_VOLUMES, at, "the pods must not claim %s" % sorted(claims))
            checks.expect(not (pod.get("affinity") or {}).get("podAffinity"), at,
                          "no affinity to a volume's node: nothing in the pod needs one writer")
        print("%-52s %d objects, %s" % (at, len(objects), "ok" if len(checks.failures) == before else "FAILED"))


def check_egress(checks, label, objects_by_role, cidr):
    """Every role's hosts may reach the database on 5432: the in-cluster one
    by selector, or the external address range."""
    for role, objects in objects_by_role.items():
        found = policy.find(objects, "NetworkPolicy", "allow-to-postgres")
        if not checks.expect(len(found) == 1, "%s %s" % (label, role), "needs the NetworkPolicy allow-to-postgres"):
            continue
        rules = found[0]["spec"]["egress"]
        peers = [p for r in rules for p in r["to"]]
        ports = [p.get("port") for r in rules for p in r.get("ports") or []]
        checks.expect(ports == [5432], "%s %s" % (label, role), "egress only on 5432, got %s" % ports)
        if cidr:
            checks.expect(peers == [{"ipBlock": {"cidr": cidr}}], "%s %s" % (label, role),
                          "egress to the external database %s, got %s" % (cidr, peers))


def check_cluster(checks, label, text, cidr=""):
    """A whole deploy-all.sh render: roles, flows, the database."""
    objects_by_role = render.by_role(render.parse(text))
    check_roles(checks, label, objects_by_role)
    check_egress(checks, label, objects_by_role, cidr)
    if not cidr:
        before = len(checks.failures)
        policy.check_database(checks, label + " database", objects_by_role["task-manager"])
        print("%-52s %s" % (label + " database", "ok" if len(checks.failures) == before else "FAILED"))
    else:
        checks.expect(not any(policy.find(o, "StatefulSet") for o in objects_by_role.values()), label,
                      "an external database: no in-cluster one")
    before = len(checks.failures)
    policy.check_flows(checks, label + " flows", objects_by_role, policy.rendered_configs(objects_by_role),
                       EXTERNAL_DB if cidr else None)
    print("%-52s %s" % (label + " flows", "ok" if len(checks.failures) == before else "FAILED"))


def main():
    checks = render.Checks()
    for label, role, objects in render.rendered_sets("postgres"):
        check_roles(checks, label, {role: objects})
    for tool in ("helm", "kustomize"):
        flags = ["--kustomize"] if tool == "kustomize" else []
        check_cluster(checks, "deploy-all %s --postgres in-cluster" % tool,
                      render.deploy_all_text(*(flags + ["--postgres", "in-cluster"])))
        check_cluster(checks, "deploy-all %s --postgres external" % tool,
                      render.deploy_all_text(*(flags + ["--postgres", "external", "--postgres-cidr", EXTERNAL_CIDR])),
                      EXTERNAL_CIDR)
    return checks.finish("postgres")


if __name__ == "__main__":
    sys.exit(main())
