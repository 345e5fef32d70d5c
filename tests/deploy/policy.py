"""Policy checks on rendered manifests: what every workload must have, and
what each Agent Host role must look like. Used by test_policy.py on the real
manifests and by test_policy_selftest.py on broken ones."""
import math

import yaml

import netpol

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")
LONG_RUNNING = ("Deployment", "StatefulSet", "DaemonSet")
ROLE_RESOURCES = {
    "task-manager": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"cpu": "500m", "memory": "512Mi"}},
    "workflow": {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"cpu": "1000m", "memory": "1Gi"}},
    "reporting": {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"cpu": "1000m", "memory": "1Gi"}},
}
ROLE_VOLUMES = {  # PVC name -> size
    "task-manager": {"agent-host-data": "1Gi"},
    "workflow": {"agent-host-data": "2Gi", "agent-host-logs": "5Gi", "redis-data": "1Gi"},
    "reporting": {"agent-host-data": "2Gi", "agent-host-reports": "5Gi"},
}
ROLE_CRONJOBS = {  # name -> (schedule, plugin/job)
    "task-manager": {"daily-report": ("0 9 * * *", "task-manager/daily-report")},
    "workflow": {},
    "reporting": {"daily-report": ("0 9 * * *", "reporting/daily-report"),
                  "weekly-report": ("0 9 * * 1", "reporting/weekly-report")},
}
ROLE_PREFIX = {"task-manager": "/task", "workflow": "/workflow", "reporting": "/reporting"}
SCALING_ROLES = {"workflow"}  # shared state in Redis; the others are single-writer SQLite

# The data flows the governance allows, and nothing else.
SERVER = "app.kubernetes.io/component"


def expected_flows(roles):
    flows = set()
    for role in roles:
        flows.add(("ingress-nginx/ingress-nginx", role + "/server", "8080/TCP"))
        flows.add(("monitoring/prometheus", role + "/server", "9090/TCP"))
    wanted = [("reporting", "task-manager"), ("reporting", "workflow"), ("task-manager", "workflow")]
    for source, target in wanted:
        if source in roles and target in roles:
            flows.add((source + "/server", target + "/server", "8080/TCP"))
    if "workflow" in roles:
        flows.add(("workflow/server", "workflow/redis", "6379/TCP"))
    for role in roles:
        if ROLE_CRONJOBS[role]:
            flows.add((role + "/job", role + "/server", "8080/TCP"))
    return flows


def pod_templates(obj):
    """(container-owning pod spec, pod metadata) of a workload object."""
    spec = obj.get("spec") or {}
    if obj["kind"] == "CronJob":
        template = spec["jobTemplate"]["spec"]["template"]
    else:
        template = spec.get("template") or {}
    return template.get("spec") or {}, template.get("metadata") or {}


def where(obj, container=None):
    meta = obj.get("metadata", {})
    text = "%s %s/%s" % (obj["kind"], meta.get("namespace", "-"), meta.get("name"))
    return text + (" container %s" % container if container else "")


def check_workload(checks, obj):
    pod, _ = pod_templates(obj)
    pod_ctx = pod.get("securityContext") or {}
    for flag in ("hostNetwork", "hostPID", "hostIPC"):
        checks.expect(not pod.get(flag), where(obj), "%s must not be set" % flag)
    for volume in pod.get("volumes") or []:
        checks.expect("hostPath" not in volume, where(obj), "hostPath volume %s" % volume.get("name"))
    for container in (pod.get("initContainers") or []) + (pod.get("containers") or []):
        at = where(obj, container["name"])
        resources = container.get("resources") or {}
        for kind in ("requests", "limits"):
            for res in ("cpu", "memory"):
                checks.expect(res in (resources.get(kind) or {}), at, "needs resources.%s.%s" % (kind, res))
        image = container.get("image", "")
        tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else ""
        checks.expect("@sha256:" in image or (tag and tag != "latest"), at,
                      "image '%s' needs a pinned tag (not latest, not empty)" % image)
        if obj["kind"] in LONG_RUNNING and container in (pod.get("containers") or []):
            for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                checks.expect(probe in container, at, "needs a %s" % probe)
        ctx = container.get("securityContext") or {}
        checks.expect(ctx.get("runAsNonRoot", pod_ctx.get("runAsNonRoot")) is True, at, "runAsNonRoot must be true")
        user = ctx.get("runAsUser", pod_ctx.get("runAsUser"))
        checks.expect(user is not None and user != 0, at, "runAsUser must be set and not 0")
        checks.expect(ctx.get("allowPrivilegeEscalation") is False, at, "allowPrivilegeEscalation must be false")
        checks.expect(not ctx.get("privileged"), at, "privileged must not be set")
        checks.expect(ctx.get("readOnlyRootFilesystem") is True, at, "readOnlyRootFilesystem must be true")
        caps = ctx.get("capabilities") or {}
        checks.expect("ALL" in (caps.get("drop") or []), at, "capabilities.drop must contain ALL")
        checks.expect(set(caps.get("add") or []) <= {"NET_BIND_SERVICE"}, at, "only NET_BIND_SERVICE may be added")
        seccomp = (ctx.get("seccompProfile") or pod_ctx.get("seccompProfile") or {}).get("type")
        checks.expect(seccomp in ("RuntimeDefault", "Localhost"), at, "seccompProfile must be RuntimeDefault")


def check_generic(checks, objects):
    """Rules for every object, whatever the role."""
    for obj in objects:
        if obj["kind"] in WORKLOAD_KINDS:
            check_workload(checks, obj)
        if obj["kind"] == "Service":
            for port in obj["spec"].get("ports") or []:
                checks.expect(bool(port.get("name")), where(obj), "port %s needs a name" % port.get("port"))


def find(objects, kind, name=None):
    return [o for o in objects if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]


def one(checks, objects, kind, name, label):
    found = find(objects, kind, name)
    checks.expect(len(found) == 1, label, "expected one %s %s, found %d" % (kind, name, len(found)))
    return found[0] if found else None


def seconds(ms):
    return int(math.ceil(ms / 1000.0))


def check_role(checks, label, role, objects, config_text):
    """What the governance asks of one role's rendered manifests."""
    label = "%s: " % label
    for obj in objects:
        ns = obj["metadata"].get("namespace")
        checks.expect(ns in (None, role), label + where(obj), "must be in namespace %s" % role)

    config_map = one(checks, objects, "ConfigMap", "agent-host-config", label + "config")
    if config_map:
        checks.expect(config_map["data"].get("config.yaml", "").strip() == config_text.strip(),
                      label + "ConfigMap agent-host-config",
                      "config.yaml must be configs/%s.yaml byte for byte" % role)
    config = yaml.safe_load(config_text) or {}

    deployment = one(checks, objects, "Deployment", role, label + "deployment")
    if deployment:
        check_host_deployment(checks, label, role, deployment, config)

    service = one(checks, objects, "Service", role, label + "service")
    if service:
        ports = {p.get("name"): p.get("port") for p in service["spec"]["ports"]}
        checks.expect(ports == {"http": 8080, "metrics": 9090}, label + where(service),
                      "ports must be http 8080 and metrics 9090, got %s" % ports)

    hpas = find(objects, "HorizontalPodAutoscaler")
    if role in SCALING_ROLES:
        checks.expect(len(hpas) == 1, label + "HPA", "role %s needs one HPA" % role)
        for hpa in hpas:
            check_hpa(checks, label, hpa)
    else:
        checks.expect(not hpas, label + "HPA",
                      "single-writer role %s (SQLite on ReadWriteOnce) must not have an HPA" % role)
        if deployment:
            checks.expect(deployment["spec"].get("replicas") == 1, label + where(deployment), "replicas must be 1")
            checks.expect("agent-host.io/scaling" in (deployment["metadata"].get("annotations") or {}),
                          label + where(deployment), "must say why it does not scale (agent-host.io/scaling)")

    pvcs = {p["metadata"]["name"]: p["spec"]["resources"]["requests"]["storage"] for p in find(objects, "PersistentVolumeClaim")}
    checks.expect(pvcs == ROLE_VOLUMES[role], label + "PVCs", "expected %s, got %s" % (ROLE_VOLUMES[role], pvcs))

    crons = {c["metadata"]["name"]: c for c in find(objects, "CronJob")}
    checks.expect(set(crons) == set(ROLE_CRONJOBS[role]), label + "CronJobs",
                  "expected %s, got %s" % (sorted(ROLE_CRONJOBS[role]), sorted(crons)))
    for name, (schedule, job) in ROLE_CRONJOBS[role].items():
        if name in crons:
            check_cronjob(checks, label, role, crons[name], schedule, job)

    ingress = one(checks, objects, "Ingress", role, label + "ingress")
    if ingress:
        check_ingress(checks, label, role, ingress)

    monitor = one(checks, objects, "ServiceMonitor", role, label + "servicemonitor")
    if monitor:
        endpoints = monitor["spec"]["endpoints"]
        checks.expect([(e.get("port"), e.get("interval")) for e in endpoints] == [("metrics", "30s")],
                      label + where(monitor), "must scrape port metrics every 30s")

    quota = one(checks, objects, "ResourceQuota", "agent-host-quota", label + "quota")
    if quota:
        expected = {"requests.cpu": "2", "requests.memory": "4Gi", "limits.cpu": "4",
                    "limits.memory": "8Gi", "persistentvolumeclaims": "5"}
        checks.expect({k: str(v) for k, v in quota["spec"]["hard"].items()} == expected,
                      label + where(quota), "expected %s" % expected)
    checks.expect(len(find(objects, "LimitRange")) == 1, label + "LimitRange", "needs one LimitRange")
    checks.expect(len(find(objects, "PodDisruptionBudget")) == 1, label + "PDB", "needs one PodDisruptionBudget")
    if role == "workflow":
        checks.expect(len(find(objects, "Deployment", "redis")) == 1, label + "redis", "needs the Redis Deployment")
        redis = find(objects, "Deployment", "redis")
        if redis:
            args = redis[0]["spec"]["template"]["spec"]["containers"][0].get("args") or []
            checks.expect("--appendonly" in args and args[args.index("--appendonly") + 1] == "yes",
                          label + where(redis[0]), "Redis needs --appendonly yes")
        checks.expect(len(find(objects, "Role")) == 1 and len(find(objects, "RoleBinding")) == 1,
                      label + "rbac", "workflow needs its Role and RoleBinding")


def check_host_deployment(checks, label, role, deployment, config):
    at = label + where(deployment)
    pod, _ = pod_templates(deployment)
    strategy = deployment["spec"].get("strategy") or {}
    checks.expect(strategy.get("type") == "RollingUpdate"
                  and strategy.get("rollingUpdate") == {"maxSurge": 1, "maxUnavailable": 0},
                  at, "rolling update must be maxSurge 1 / maxUnavailable 0")
    ctx = pod.get("securityContext") or {}
    checks.expect((ctx.get("runAsUser"), ctx.get("runAsGroup"), ctx.get("fsGroup")) == (1000, 1000, 1000),
                  at, "pod must run as 1000:1000 with fsGroup 1000")
    container = next((c for c in pod["containers"] if c["name"] == "agent-host"), None)
    if not checks.expect(container is not None, at, "needs a container named agent-host"):
        return
    checks.expect(container.get("resources") == ROLE_RESOURCES[role], at,
                  "resources must be %s, got %s" % (ROLE_RESOURCES[role], container.get("resources")))
    probe_timing = lambda p: (p.get("httpGet", {}).get("path"), p.get("initialDelaySeconds", 0),
                              p.get("periodSeconds", 10), p.get("failureThreshold", 3))
    checks.expect(probe_timing(container.get("livenessProbe", {})) == ("/healthz", 30, 10, 3), at,
                  "liveness must be /healthz, 30 s delay, 10 s period, 3 failures")
    checks.expect(probe_timing(container.get("readinessProbe", {})) == ("/readyz", 5, 10, 3), at,
                  "readiness must be /readyz, 5 s delay, 10 s period, 3 failures")
    ports = {(p.get("name"), p.get("containerPort")) for p in container.get("ports") or []}
    checks.expect(ports == {("http", 8080), ("metrics", 9090)}, at, "container ports must be http 8080, metrics 9090")
    # The pod must outlive preStop + the host's drain, or SIGKILL cuts requests.
    pre_stop = ((container.get("lifecycle") or {}).get("preStop") or {}).get("exec", {}).get("command", [])
    pre_stop_s = int(pre_stop[-1]) if pre_stop and pre_stop[-1].isdigit() else None
    checks.expect(pre_stop_s is not None and pre_stop_s > 0, at, "needs a preStop sleep before SIGTERM")
    drain_ms = ((config.get("http") or {}).get("drain_timeout_ms", 10000))
    grace = pod.get("terminationGracePeriodSeconds", 30)
    checks.expect(pre_stop_s is not None and grace >= pre_stop_s + seconds(drain_ms) + 1, at,
                  "terminationGracePeriodSeconds %s must exceed preStop %s s + drain %s ms"
                  % (grace, pre_stop_s, drain_ms))
    mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts") or []}
    for path in ("/etc/agent-host/config", "/etc/agent-host/secrets/db-secret", "/etc/agent-host/secrets/api-keys",
                 "/etc/agent-host/secrets/llm-config", "/var/lib/agent-host/data", "/tmp"):
        checks.expect(path in mounts, at, "must mount %s" % path)
    volumes = {v["name"]: v for v in pod.get("volumes") or []}
    config_volume = volumes.get(mounts.get("/etc/agent-host/config"), {})
    checks.expect((config_volume.get("configMap") or {}).get("name") == "agent-host-config", at,
                  "/etc/agent-host/config must be the ConfigMap agent-host-config as a folder")
    for m in container.get("volumeMounts") or []:
        if m["mountPath"] == "/etc/agent-host/config":
            checks.expect("subPath" not in m, at, "config must be a folder mount (subPath blocks updates)")


def check_hpa(checks, label, hpa):
    at = label + where(hpa)
    spec = hpa["spec"]
    checks.expect((spec.get("minReplicas"), spec.get("maxReplicas")) == (1, 5), at, "must scale 1-5")
    targets = {m["resource"]["name"]: m["resource"]["target"].get("averageUtilization") for m in spec.get("metrics", [])}
    checks.expect(targets == {"cpu": 80, "memory": 80}, at, "CPU and memory at 80%%, got %s" % targets)
    up = spec.get("behavior", {}).get("scaleUp", {})
    down = spec.get("behavior", {}).get("scaleDown", {})
    up_policies = sorted((p["type"], p["value"], p["periodSeconds"]) for p in up.get("policies", []))
    checks.expect(up_policies == [("Percent", 100, 15), ("Pods", 2, 15)] and up.get("selectPolicy", "Max") == "Max",
                  at, "scale-up must be max(100%, 2 pods) per 15 s")
    down_policies = [(p["type"], p["value"], p["periodSeconds"]) for p in down.get("policies", [])]
    checks.expect(down_policies == [("Percent", 50, 15)] and down.get("stabilizationWindowSeconds") == 300,
                  at, "scale-down must be 50% per 15 s with a 300 s window")


def check_cronjob(checks, label, role, cron, schedule, job):
    at = label + where(cron)
    spec = cron["spec"]
    checks.expect(spec.get("schedule") == schedule, at, "schedule must be %s" % schedule)
    checks.expect(spec.get("concurrencyPolicy") == "Forbid", at, "concurrencyPolicy must be Forbid")
    checks.expect(bool(spec.get("timeZone")), at, "timeZone must be set")
    pod, _ = pod_templates(cron)
    container = pod["containers"][0]
    args = container.get("args") or []
    checks.expect(not container.get("command") and args[:1] == ["run-job"] and args[-1:] == [job]
                  and "--target" in args and args[args.index("--target") + 1] == "http://%s:8080" % role,
                  at, "must run `agent-host run-job --target http://%s:8080 ... %s`, got %s" % (role, job, args))


def check_ingress(checks, label, role, ingress):
    at = label + where(ingress)
    annotations = ingress["metadata"].get("annotations") or {}
    for key in ("proxy-connect-timeout", "proxy-read-timeout", "proxy-send-timeout"):
        checks.expect(annotations.get("nginx.ingress.kubernetes.io/" + key) == "60", at, "%s must be 60" % key)
    checks.expect(not any("rewrite-target" in k for k in annotations), at, "no rewrite: routes already carry the prefix")
    checks.expect(ingress["spec"].get("ingressClassName") == "nginx", at, "ingressClassName must be nginx")
    checks.expect(bool(ingress["spec"].get("tls")), at, "needs a TLS section (cert-manager)")
    paths = [(p["path"], p["backend"]["service"]["name"]) for r in ingress["spec"]["rules"] for p in r["http"]["paths"]]
    checks.expect(paths == [(ROLE_PREFIX[role], role)], at, "must route %s to service %s, got %s"
                  % (ROLE_PREFIX[role], role, paths))


def pods_of(objects):
    pods = []
    for obj in objects:
        if obj["kind"] not in WORKLOAD_KINDS:
            continue
        pod, meta = pod_templates(obj)
        ports = {}
        for c in pod.get("containers") or []:
            for p in c.get("ports") or []:
                ports[(p["containerPort"], p.get("protocol", "TCP"))] = p.get("name")
        pods.append(netpol.Pod(obj["metadata"]["namespace"], meta.get("labels") or {}, ports))
    return pods


EXTERNAL_PODS = [
    netpol.Pod("ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"}, {(80, "TCP"): "http"}),
    netpol.Pod("monitoring", {"app.kubernetes.io/name": "prometheus"}, {(9090, "TCP"): "web"}),
    netpol.Pod("kube-system", {"k8s-app": "kube-dns"}, {(53, "UDP"): "dns", (53, "TCP"): "dns-tcp"}),
]


def check_flows(checks, label, objects_by_role):
    """The NetworkPolicies of all roles together allow exactly the governance's flows."""
    objects = [o for objs in objects_by_role.values() for o in objs]
    policies = find(objects, "NetworkPolicy")
    for role, objs in objects_by_role.items():
        default_deny = [p for p in find(objs, "NetworkPolicy") if p["spec"].get("podSelector") in ({}, None)
                        and set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}
                        and not p["spec"].get("ingress") and not p["spec"].get("egress")]
        checks.expect(len(default_deny) == 1, "%s %s" % (label, role), "needs one default-deny NetworkPolicy")
    pods = pods_of(objects) + EXTERNAL_PODS
    roles = set(objects_by_role)
    flows = netpol.allowed_flows(policies, pods, roles)
    expected = expected_flows(roles)
    for pod in pods_of(objects):
        expected.add((pod.id, "kube-system/kube-dns", "53/UDP"))
        expected.add((pod.id, "kube-system/kube-dns", "53/TCP"))
    for extra in sorted(flows - expected):
        checks.expect(False, label, "NetworkPolicies allow a flow not in the list: %s -> %s %s" % extra)
    for missing in sorted(expected - flows):
        checks.expect(False, label, "NetworkPolicies block a required flow: %s -> %s %s" % missing)
    checks.expect(flows == expected, label, "allowed flows must equal the governance's list")
