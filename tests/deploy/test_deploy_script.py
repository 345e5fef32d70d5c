#!/usr/bin/env python3
"""deploy/deploy-all.sh --kustomize --postgres, run for real against a
recording stand-in for the cluster: a `kubectl` that renders with the real
kubectl, keeps Secrets in a folder and records what is applied. Checks what
the script creates: one db-secret for the three namespaces (in-cluster: host
postgres.task-manager.svc.cluster.local, a generated password; external: from
AH_DB_*), the database applied with task-manager before the other roles, a
refusal without credentials or with the placeholder Secret an SQLite
deployment made."""
import base64
import json
import os
import subprocess
import sys
import tempfile

import render

# The stand-in: only the kubectl calls deploy-all.sh makes.
FAKE_KUBECTL = r'''#!/usr/bin/env python3
import base64, json, os, subprocess, sys
state, real = os.environ["FAKE_KUBE_STATE"], os.environ["FAKE_KUBE_REAL"]
args = sys.argv[1:]
ns = None
if args[:1] == ["-n"]:
    ns, args = args[1], args[2:]
def secret_path(name):
    return os.path.join(state, "secrets", ns, name + ".json")
if args[:1] == ["kustomize"]:
    os.execv(real, [real] + args)
if args[:1] in (["version"], ["rollout"]) or args[:2] == ["get", "crd"]:
    sys.exit(0)
if args[:2] == ["apply", "-f"]:
    with open(args[2]) as src, open(os.path.join(state, "applied.log"), "a") as log:
        log.write(src.read() + "\n---\n")
    sys.exit(0)
if args[:2] == ["get", "secret"]:
    if not os.path.exists(secret_path(args[2])):
        sys.exit(1)
    data = json.load(open(secret_path(args[2])))
    if "-o" in args:
        key = args[args.index("-o") + 1].split(".data.")[1].rstrip("}")
        sys.stdout.write(data.get(key, ""))
    sys.exit(0)
if args[:3] == ["create", "secret", "generic"]:
    data = {}
    for arg in args[4:]:
        kind, _, value = arg.partition("=")
        if kind == "--from-literal":
            key, _, text = value.partition("=")
            data[key] = base64.b64encode(text.encode()).decode()
        elif kind == "--from-file":
            key, _, path = value.rpartition("=")
            files = [(n, os.path.join(path, n)) for n in os.listdir(path)] if os.path.isdir(path) else [(key or os.path.basename(path), path)]
            for name, file in files:
                data[name] = base64.b64encode(open(file, "rb").read()).decode()
    os.makedirs(os.path.dirname(secret_path(args[3])), exist_ok=True)
    json.dump(data, open(secret_path(args[3]), "w"))
    sys.exit(0)
sys.exit("fake kubectl: unexpected call %s" % sys.argv[1:])
'''


class Cluster:
    def __init__(self, tmp):
        self.state = os.path.join(tmp, "state")
        bin_dir = os.path.join(tmp, "bin")
        os.makedirs(bin_dir)
        os.makedirs(self.state)
        with open(os.path.join(bin_dir, "kubectl"), "w") as f:
            f.write(FAKE_KUBECTL)
        os.chmod(os.path.join(bin_dir, "kubectl"), 0o755)
        self.env = dict(os.environ, FAKE_KUBE_STATE=self.state, FAKE_KUBE_REAL=render.tool("kubectl"),
                        PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
        for key in [k for k in self.env if k.startswith("AH_DB_")]:
            del self.env[key]

    def deploy(self, *args, **env):
        return subprocess.run([os.path.join(render.REPO, "deploy", "deploy-all.sh"), "--kustomize"] + list(args),
                              capture_output=True, text=True, env=dict(self.env, **env), timeout=300)

    def secret(self, ns, name):
        path = os.path.join(self.state, "secrets", ns, name + ".json")
        if not os.path.exists(path):
            return None
        return {k: base64.b64decode(v).decode() for k, v in json.load(open(path)).items()}

    def add_secret(self, ns, name, data):
        os.makedirs(os.path.join(self.state, "secrets", ns), exist_ok=True)
        with open(os.path.join(self.state, "secrets", ns, name + ".json"), "w") as f:
            json.dump({k: base64.b64encode(v.encode()).decode() for k, v in data.items()}, f)

    def applied(self):
        path = os.path.join(self.state, "applied.log")
        return render.parse(open(path).read()) if os.path.exists(path) else []


def main():
    checks = render.Checks()
    with tempfile.TemporaryDirectory() as tmp:
        cluster = Cluster(os.path.join(tmp, "in-cluster"))
        done = cluster.deploy("--postgres", "in-cluster")
        checks.expect(done.returncode == 0, "in-cluster", "deploy-all.sh failed: %s" % done.stderr)
        secrets = [cluster.secret(ns, "db-secret") for ns in render.ROLES]
        first = secrets[0] or {}
        checks.expect(all(s == first for s in secrets), "in-cluster", "one db-secret for all namespaces, got %s" % secrets)
        checks.expect(first.get("host") == "postgres.task-manager.svc.cluster.local" and first.get("username") == "agent_host"
                      and len(first.get("password", "")) == 48, "in-cluster", "db-secret %s" % first)
        redis = {ns: cluster.secret(ns, "redis-secret") for ns in render.ROLES}
        checks.expect(len((redis["workflow"] or {}).get("password", "")) == 48
                      and not any(redis[ns] for ns in render.ROLES if ns != "workflow"), "redis-secret",
                      "a generated Redis password in workflow only, got %s" % redis)
        kinds = [(o["kind"], o["metadata"].get("namespace")) for o in cluster.applied()]
        database = kinds.index(("StatefulSet", "task-manager")) if ("StatefulSet", "task-manager") in kinds else None
        others = [i for i, k in enumerate(kinds) if k[0] == "Deployment" and k[1] in ("workflow", "reporting")]
        checks.expect(database is not None and others and database < min(others), "in-cluster",
                      "the database (task-manager) must be applied before the other roles")

        cluster = Cluster(os.path.join(tmp, "external-no-env"))
        done = cluster.deploy("--postgres", "external", "--postgres-cidr", "10.20.0.5/32")
        checks.expect(done.returncode != 0 and "AH_DB_HOST" in done.stderr and cluster.secret("workflow", "db-secret") is None,
                      "external without credentials", "must stop naming AH_DB_HOST; got %d %s" % (done.returncode, done.stderr))

        cluster = Cluster(os.path.join(tmp, "external"))
        done = cluster.deploy("--postgres", "external", "--postgres-cidr", "10.20.0.5/32", AH_DB_HOST="db.example.com",
                              AH_DB_USERNAME="agent", AH_DB_PASSWORD="pw", AH_DB_PORT="6432")
        wanted = {"host": "db.example.com", "username": "agent", "password": "pw", "port": "6432"}
        checks.expect(done.returncode == 0 and all(cluster.secret(ns, "db-secret") == wanted for ns in render.ROLES),
                      "external", "db-secret %s in every namespace; got %s %s"
                      % (wanted, [cluster.secret(ns, "db-secret") for ns in render.ROLES], done.stderr))
        checks.expect(not any(o["kind"] == "StatefulSet" for o in cluster.applied()), "external", "no in-cluster database")

        cluster = Cluster(os.path.join(tmp, "reuse"))
        existing = {"host": "pg.internal", "username": "u", "password": "p", "database": "d"}
        cluster.add_secret("reporting", "db-secret", existing)
        done = cluster.deploy("--postgres", "external", "--postgres-cidr", "10.20.0.5/32")
        checks.expect(done.returncode == 0 and all(cluster.secret(ns, "db-secret") == existing for ns in render.ROLES),
                      "reuse", "another namespace's db-secret is copied; got %s %s"
                      % ([cluster.secret(ns, "db-secret") for ns in render.ROLES], done.stderr))

        cluster = Cluster(os.path.join(tmp, "placeholder"))
        cluster.add_secret("workflow", "db-secret", {"host": "", "username": "agent-host", "password": "x"})
        done = cluster.deploy("--postgres", "in-cluster")
        checks.expect(done.returncode != 0 and "has no host" in done.stderr, "SQLite placeholder",
                      "must refuse db-secret without host; got %d %s" % (done.returncode, done.stderr))
    for label in ("in-cluster", "redis-secret", "external without credentials", "external", "reuse", "SQLite placeholder"):
        print("%-40s %s" % (label, "FAILED" if any(f.startswith(label + ":") for f in checks.failures) else "ok"))
    return checks.finish("deploy-all.sh --postgres")


if __name__ == "__main__":
    sys.exit(main())
