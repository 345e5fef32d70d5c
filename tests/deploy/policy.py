"""Policy checks on rendered manifests: what every workload must have, and
what each Agent Host role must look like. Used by test_policy.py on the real
manifests and by test_policy_selftest.py on broken ones."""
import math

import yaml

import flows
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
# With storage.backend postgres the data and the reports are in the database.
DATABASE_VOLUMES = {"agent-host-data", "agent-host-reports"}
ROLE_PREFIX = {"task-manager": "/task", "workflow": "/workflow", "reporting": "/reporting"}
SCALING_ROLES = {"workflow"}  # shared state in Redis; the others are single-writer SQLite


def uses_postgres(config):
    return ((config or {}).get("storage") or {}).get("backend") == "postgres"


def role_scales(role, config):
    """An HPA scales the role: state outside the pod (Redis, PostgreSQL)."""
    return role in SCALING_ROLES or uses_postgres(config)

def platform_flows(objects_by_role):
    """Flows every role has whatever its config: the ingress controller and
    Prometheus to the host, the role's CronJob pods to its host."""
    flows = set()
    for role, objects in objects_by_role.items():
        flows.add(("ingress-nginx/ingress-nginx", role + "/server", "8080/TCP"))
        flows.add(("monitoring/prometheus", role + "/server", "9090/TCP"))
        if find(objects, "CronJob"):
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


def service_name(config_text):
    """The role's Service name is the config's `service:` (peers and the
    governance's DNS names use it)."""
    return (yaml.safe_load(config_text) or {}).get("service")


CONFIG_MAP = "agent-host-config"


def config_maps(objects):
    """The host's ConfigMap: agent-host-config, or with Kustomize's hash suffix."""
    return [o for o in find(objects, "ConfigMap")
            if o["metadata"]["name"] == CONFIG_MAP or o["metadata"]["name"].startswith(CONFIG_MAP + "-")]


def rendered_configs(objects_by_role):
    """{role: the config its ConfigMap carries, parsed}."""
    configs = {}
    for role, objects in objects_by_role.items():
        maps = config_maps(objects)
        configs[role] = (yaml.safe_load(maps[0]["data"].get("config.yaml", "")) or {}) if maps else {}
    return configs


def check_role(checks, label, role, objects, config_text, storage=None):
    """What the governance asks of one role's rendered manifests. config_text
    is configs/<role>.yaml; with `storage` (a whole storage section) the
    rendered config must be that file with this storage section instead."""
    label = "%s: " % label
    for obj in objects:
        ns = obj["metadata"].get("namespace")
        checks.expect(ns in (None, role), label + where(obj), "must be in namespace %s" % role)

    maps = config_maps(objects)
    checks.expect(len(maps) == 1, label + "config", "expected one ConfigMap %s[-hash], found %d" % (CONFIG_MAP, len(maps)))
    config_map = maps[0] if maps else None
    config = yaml.safe_load(config_text) or {}
    if config_map and storage is None:
        checks.expect(config_map["data"].get("config.yaml", "").strip() == config_text.strip(),
                      label + where(config_map),
                      "config.yaml must be configs/%s.yaml byte for byte (Kustomize: cp configs/%s.yaml "
                      "deploy/k8s/overlays/%s/config.yaml)" % (role, role, role))
    elif config_map:
        config = dict(config, storage=storage)
        rendered = yaml.safe_load(config_map["data"].get("config.yaml", "")) or {}
        differs = sorted(k for k in set(config) | set(rendered) if config.get(k) != rendered.get(k))
        checks.expect(not differs, label + where(config_map),
                      "config.yaml must be configs/%s.yaml with the storage section %s; differs in %s "
                      "(Kustomize: deploy/k8s/overlays/postgres/%s/config.yaml; Helm: storage.postgres values)"
                      % (role, storage, differs, role))
    name = service_name(config_text)

    deployment = one(checks, objects, "Deployment", name, label + "deployment")
    if deployment:
        check_host_deployment(checks, label, role, deployment, config)
        checks.expect(pod_templates(deployment)[1].get("labels", {}).get("app") == name, label + where(deployment),
                      "pods need the label app=%s" % name)
        if config_map:
            volumes = {v["name"]: v for v in pod_templates(deployment)[0].get("volumes") or []}
            checks.expect((volumes.get("config", {}).get("configMap") or {}).get("name")
                          == config_map["metadata"]["name"], label + where(deployment),
                          "must mount the ConfigMap %s" % config_map["metadata"]["name"])

    service = one(checks, objects, "Service", name, label + "service")
    if service:
        ports = {p.get("name"): p.get("port") for p in service["spec"]["ports"]}
        checks.expect(ports == {"http": 8080, "metrics": 9090}, label + where(service),
                      "ports must be http 8080 and metrics 9090, got %s" % ports)
        checks.expect(service["metadata"].get("labels", {}).get("monitoring") == "true", label + where(service),
                      'needs the label monitoring: "true" (the ServiceMonitor selector)')
    for other in find(objects, "Service"):
        if other is not service:
            checks.expect(other["metadata"].get("labels", {}).get("monitoring") is None, label + where(other),
                          "only the host's Service is scraped (no monitoring label)")

    check_privilege(checks, label, objects)
    hpas = find(objects, "HorizontalPodAutoscaler")
    if role_scales(role, config):
        checks.expect(len(hpas) == 1, label + "HPA", "role %s needs one HPA" % role)
        for hpa in hpas:
            check_hpa(checks, label, hpa)
            checks.expect((hpa["spec"].get("scaleTargetRef") or {}).get("name") == name, label + where(hpa),
                          "must scale Deployment %s" % name)
        if deployment:
            checks.expect("replicas" not in deployment["spec"], label + where(deployment),
                          "an HPA-managed Deployment must not set replicas (every apply would reset it)")
            # Replicas share each claim: every pod writes its own sub-folder.
            pod = pod_templates(deployment)[0]
            claims = {v["name"] for v in pod.get("volumes") or [] if "persistentVolumeClaim" in v}
            for mount in pod["containers"][0].get("volumeMounts") or []:
                checks.expect(mount["name"] not in claims or mount.get("subPathExpr") == "$(POD_NAME)",
                              label + where(deployment), "replicas share the claim of %s: it needs subPathExpr "
                              "$(POD_NAME)" % mount["mountPath"])
            spread = pod_templates(deployment)[0].get("topologySpreadConstraints") or []
            checks.expect({c.get("topologyKey") for c in spread} >= {"kubernetes.io/hostname"},
                          label + where(deployment), "needs topologySpreadConstraints over kubernetes.io/hostname")
    else:
        checks.expect(not hpas, label + "HPA",
                      "single-writer role %s (SQLite on ReadWriteOnce) must not have an HPA" % role)
        if deployment:
            checks.expect(deployment["spec"].get("replicas") == 1, label + where(deployment), "replicas must be 1")
            checks.expect("agent-host.io/scaling" in (deployment["metadata"].get("annotations") or {}),
                          label + where(deployment), "must say why it does not scale (agent-host.io/scaling)")

    pvcs = {p["metadata"]["name"]: p["spec"]["resources"]["requests"]["storage"] for p in find(objects, "PersistentVolumeClaim")}
    volumes = {k: v for k, v in ROLE_VOLUMES[role].items() if not (uses_postgres(config) and k in DATABASE_VOLUMES)}
    checks.expect(pvcs == volumes, label + "PVCs", "expected %s, got %s" % (volumes, pvcs))

    # Which CronJobs: test_check_config.py compares them with `agent-host jobs`.
    for cron in find(objects, "CronJob"):
        check_cronjob(checks, label, name, cron)

    ingress = one(checks, objects, "Ingress", name, label + "ingress")
    if ingress:
        check_ingress(checks, label, role, name, ingress, config)

    monitor = one(checks, objects, "ServiceMonitor", name, label + "servicemonitor")
    if monitor:
        endpoints = monitor["spec"]["endpoints"]
        checks.expect([(e.get("port"), e.get("interval")) for e in endpoints] == [("metrics", "30s")],
                      label + where(monitor), "must scrape port metrics every 30s")
        checks.expect(monitor["spec"].get("selector") == {"matchLabels": {"monitoring": "true"}},
                      label + where(monitor), 'must select monitoring: "true"')

    quota = one(checks, objects, "ResourceQuota", "agent-host-quota", label + "quota")
    if quota:
        check_quota(checks, label, objects, quota)
    checks.expect(len(find(objects, "LimitRange")) == 1, label + "LimitRange", "needs one LimitRange")
    checks.expect(len(find(objects, "PodDisruptionBudget", name)) == 1, label + "PDB",
                  "needs the PodDisruptionBudget %s" % name)
    if role == "workflow":
        checks.expect(len(find(objects, "Deployment", "redis")) == 1, label + "redis", "needs the Redis Deployment")
        redis = find(objects, "Deployment", "redis")
        if redis:
            args = redis[0]["spec"]["template"]["spec"]["containers"][0].get("args") or []
            checks.expect("--appendonly" in args and args[args.index("--appendonly") + 1] == "yes",
                          label + where(redis[0]), "Redis needs --appendonly yes")
        checks.expect(len(find(objects, "PodDisruptionBudget", "redis")) == 1, label + "redis",
                      "Redis needs its PodDisruptionBudget")
        if redis and deployment:
            check_redis_password(checks, label, redis[0], deployment, config)


def redis_password_secrets(config):
    """The password_secret ("<secret>/<key>") of every enabled plugin that uses Redis."""
    return [(p.get("redis") or {}).get("password_secret", "")
            for p in flows.enabled_plugins(config).values() if (p.get("redis") or {}).get("url")]


def mounted_files(pod, container, secret):
    """{file name: Secret key} of the Secret `secret` mounted at
    /etc/agent-host/secrets/<secret> in `container`: {} when not mounted, None
    when mounted without items (every key as a file of its own name)."""
    mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts") or []}
    volumes = {v["name"]: v.get("secret") or {} for v in pod.get("volumes") or []}
    volume = volumes.get(mounts.get("/etc/agent-host/secrets/" + secret), {})
    if volume.get("secretName") != secret:
        return {}
    items = volume.get("items")
    return {i["path"]: i["key"] for i in items} if items else None


def check_redis_password(checks, label, redis, deployment, config):
    """Redis requires the password of a Secret (--requirepass), the hosts read
    the same Secret key as the file their config's redis.password_secret names,
    and the probes log in (redis-cli exits 0 on NOAUTH, so they compare the answer)."""
    at = label + where(redis)
    server = redis["spec"]["template"]["spec"]["containers"][0]
    args = server.get("args") or []
    checks.expect("--protected-mode" not in args, at, "Redis has a password: no --protected-mode override")
    requirepass = args[args.index("--requirepass") + 1] if "--requirepass" in args[:-1] else ""
    env = {e["name"]: (e.get("valueFrom") or {}).get("secretKeyRef") or {} for e in server.get("env") or []}
    ref = env.get(requirepass[2:-1], {}) if requirepass.startswith("$(") else {}
    if not checks.expect(bool(ref), at, "Redis needs --requirepass $(VAR) with VAR from a Secret (secretKeyRef)"):
        return
    for probe in ("livenessProbe", "readinessProbe"):
        command = " ".join(((server.get(probe) or {}).get("exec") or {}).get("command") or [])
        checks.expect("redis-cli" in command and "PONG" in command and "REDISCLI_AUTH" in env, at,
                      "%s must log in (REDISCLI_AUTH) and compare the answer with PONG" % probe)
    pod, _ = pod_templates(deployment)
    host = next((c for c in pod["containers"] if c["name"] == "agent-host"), {})
    at = label + where(deployment)
    for name in redis_password_secrets(config):
        if not checks.expect(name.count("/") == 1, at, "redis.password_secret must name the Secret <secret>/<key> "
                             "Redis runs with (%s/%s), got %r" % (ref.get("name"), ref.get("key"), name)):
            continue
        secret, file = name.split("/")
        files = mounted_files(pod, host, secret)
        key = file if files is None else files.get(file)
        checks.expect(key is not None, at, "redis.password_secret %s: mount the Secret %s with the file %s at "
                      "/etc/agent-host/secrets/%s" % (name, secret, file, secret))
        checks.expect((secret, key) == (ref.get("name"), ref.get("key")), at,
                      "redis.password_secret %s is Secret %s key %s, but Redis runs with %s key %s"
                      % (name, secret, key, ref.get("name"), ref.get("key")))


def check_privilege(checks, label, objects):
    """No code calls the Kubernetes API: no token, no Role."""
    for kind in ("Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"):
        for obj in find(objects, kind):
            checks.expect(False, label + where(obj), "no code uses the Kubernetes API: no %s" % kind)
    for account in find(objects, "ServiceAccount"):
        checks.expect(account.get("automountServiceAccountToken") is False, label + where(account),
                      "automountServiceAccountToken must be false")
    for obj in objects:
        if obj["kind"] in WORKLOAD_KINDS:
            checks.expect(pod_templates(obj)[0].get("automountServiceAccountToken") is False, label + where(obj),
                          "automountServiceAccountToken must be false")


UNITS = {"m": 0.001, "Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30, "Ti": 2 ** 40, "k": 1e3, "M": 1e6, "G": 1e9}


def quantity(text):
    text = str(text)
    for suffix in sorted(UNITS, key=len, reverse=True):
        if text.endswith(suffix):
            return float(text[:-len(suffix)]) * UNITS[suffix]
    return float(text)


def pods_at_peak(obj, hpas):
    """How many pods of a workload can exist at once: a Deployment's replicas
    (its HPA's maxReplicas) plus maxSurge during a rollout; one per CronJob
    (concurrencyPolicy Forbid)."""
    if obj["kind"] == "CronJob":
        return 1 if obj["spec"].get("concurrencyPolicy") == "Forbid" else float("inf")
    if obj["kind"] == "StatefulSet":  # no surge: a rolling update deletes a pod, then makes it again
        return obj["spec"].get("replicas", 1)
    hpa = [h for h in hpas if (h["spec"].get("scaleTargetRef") or {}).get("name") == obj["metadata"]["name"]]
    replicas = hpa[0]["spec"]["maxReplicas"] if hpa else obj["spec"].get("replicas", 1)
    strategy = obj["spec"].get("strategy") or {}
    surge = 0
    if strategy.get("type", "RollingUpdate") == "RollingUpdate":
        surge = (strategy.get("rollingUpdate") or {}).get("maxSurge", 1)
        if isinstance(surge, str):  # a percentage: rounded up, of the replicas
            surge = int(math.ceil(replicas * float(surge.rstrip("%")) / 100))
    return replicas + surge


def check_quota(checks, label, objects, quota):
    """The quota admits every workload at its peak (HPA maximum + surge, every
    CronJob running), so the HPA can reach its maximum."""
    hard = quota["spec"]["hard"]
    needed = {key: 0.0 for key in ("requests.cpu", "requests.memory", "limits.cpu", "limits.memory")}
    hpas = find(objects, "HorizontalPodAutoscaler")
    for obj in objects:
        if obj["kind"] not in WORKLOAD_KINDS:
            continue
        pods = pods_at_peak(obj, hpas)
        for container in pod_templates(obj)[0].get("containers") or []:
            resources = container.get("resources") or {}
            for key in needed:
                kind, res = key.split(".")
                needed[key] += pods * quantity((resources.get(kind) or {}).get(res, 0))
    for key, value in needed.items():
        checks.expect(key in hard and quantity(hard[key]) >= value, label + where(quota),
                      "%s %s does not admit the peak of %g (HPA maxReplicas + maxSurge + CronJobs)"
                      % (key, hard.get(key), value))
    pvcs = len(find(objects, "PersistentVolumeClaim")) + sum(
        s["spec"].get("replicas", 1) * len(s["spec"].get("volumeClaimTemplates") or []) for s in find(objects, "StatefulSet"))
    checks.expect(quantity(hard.get("persistentvolumeclaims", 0)) >= pvcs, label + where(quota),
                  "persistentvolumeclaims must admit %d" % pvcs)


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
    checks.expect((config_volume.get("configMap") or {}).get("name", "").startswith(CONFIG_MAP), at,
                  "/etc/agent-host/config must be the ConfigMap %s as a folder" % CONFIG_MAP)
    check_secret_files(checks, at, volumes, config)
    for m in container.get("volumeMounts") or []:
        if m["mountPath"] == "/etc/agent-host/config":
            checks.expect("subPath" not in m, at, "config must be a folder mount (subPath blocks updates)")


# The governance's Secrets and keys, and the file each key must appear as
# under /etc/agent-host/secrets/<secret>/ (what the host and plugins read).
SECRET_FILES = {
    "db-secret": {"username": "username", "password": "password", "host": "host"},
    "api-keys": {"external_api_key": "api-keys", "webhook_secret": "webhook-secret"},
    "llm-config": {"ollama_url": "url", "model_name": "model"},
}


def check_secret_files(checks, at, volumes, config):
    for secret, files in SECRET_FILES.items():
        volume = (volumes.get(secret) or {}).get("secret") or {}
        checks.expect(volume.get("secretName") == secret, at, "must mount the Secret %s" % secret)
        items = {i["key"]: i["path"] for i in volume.get("items") or []}
        mapped = items or {key: key for key in files}  # no items: every key under its own name
        for key, file in files.items():
            checks.expect(mapped.get(key) == file, at, "Secret %s key %s must be the file %s (got %s)"
                          % (secret, key, file, mapped.get(key)))
    keys_file = (config.get("auth") or {}).get("api_keys_file", "")
    checks.expect(keys_file in ("", "/etc/agent-host/secrets/api-keys/" + SECRET_FILES["api-keys"]["external_api_key"]),
                  at, "auth.api_keys_file %s is not the file of api-keys/external_api_key" % keys_file)


def check_database(checks, at, objects):
    """The in-cluster development database of storage.backend postgres (in
    namespace task-manager): one replica with its own volume, pg_isready
    probes, initialised from the db-secret, a headless Service, a PDB. Who may
    reach it is for check_flows: exactly the three roles' hosts."""
    sets = find(objects, "StatefulSet", "postgres")
    if not checks.expect(len(sets) == 1, at, "needs the StatefulSet postgres in namespace task-manager"):
        return
    spec = sets[0]["spec"]
    checks.expect(spec.get("replicas") == 1 and spec.get("serviceName") == "postgres", at,
                  "one replica behind the Service postgres")
    templates = spec.get("volumeClaimTemplates") or []
    checks.expect([t["spec"].get("accessModes") for t in templates] == [["ReadWriteOnce"]], at,
                  "its own ReadWriteOnce volume (volumeClaimTemplates)")
    pod, _ = pod_templates(sets[0])
    container = pod["containers"][0]
    checks.expect((pod.get("securityContext") or {}).get("runAsUser") == 999, at, "runs as UID 999 (the image's)")
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        command = ((container.get(probe) or {}).get("exec") or {}).get("command") or []
        checks.expect(command[:1] == ["pg_isready"], at, "%s must be pg_isready, got %s" % (probe, command))
    secret = {v["name"]: v for v in pod.get("volumes") or []}.get("db-secret", {}).get("secret", {})
    mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts") or []}
    checks.expect(secret.get("secretName") == "db-secret"
                  and mounts.get("/etc/agent-host/secrets/db-secret") == "db-secret", at,
                  "initdb reads the db-secret at /etc/agent-host/secrets/db-secret")
    services = find(objects, "Service", "postgres")
    checks.expect(len(services) == 1 and services[0]["spec"].get("clusterIP") == "None"
                  and [p["port"] for p in services[0]["spec"]["ports"]] == [5432], at,
                  "needs the headless Service postgres on 5432 (db-secret host postgres.task-manager.svc.cluster.local)")
    checks.expect(len(find(objects, "PodDisruptionBudget", "postgres")) == 1, at, "needs its PDB")


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


def cron_job_runs(cron):
    """The <plugin>/<job> a CronJob runs (the last run-job argument)."""
    args = pod_templates(cron)[0]["containers"][0].get("args") or []
    return args[-1] if args[:1] == ["run-job"] else None


def check_cronjob(checks, label, service, cron):
    at = label + where(cron)
    spec = cron["spec"]
    checks.expect(spec.get("concurrencyPolicy") == "Forbid", at, "concurrencyPolicy must be Forbid")
    checks.expect(bool(spec.get("timeZone")), at, "timeZone must be set")
    pod, _ = pod_templates(cron)
    container = pod["containers"][0]
    args = container.get("args") or []
    job = cron_job_runs(cron) or ""
    checks.expect(not container.get("command") and args[:1] == ["run-job"]
                  and job.split("/")[-1] == cron["metadata"]["name"]
                  and "--target" in args and args[args.index("--target") + 1] == "http://%s:8080" % service,
                  at, "must run `agent-host run-job --target http://%s:8080 ... <plugin>/%s`, got %s"
                  % (service, cron["metadata"]["name"], args))


def enabled_prefixes(config):
    """The prefixes of the plugins a role's config enables (a plugin is on
    unless it says enabled: false)."""
    plugins = (config or {}).get("plugins") or {}
    return sorted(p.get("prefix") for p in plugins.values()
                  if isinstance(p, dict) and p.get("enabled", True) and p.get("prefix"))


def check_ingress(checks, label, role, name, ingress, config):
    at = label + where(ingress)
    annotations = ingress["metadata"].get("annotations") or {}
    for key in ("proxy-connect-timeout", "proxy-read-timeout", "proxy-send-timeout"):
        checks.expect(annotations.get("nginx.ingress.kubernetes.io/" + key) == "60", at, "%s must be 60" % key)
    checks.expect(not any("rewrite-target" in k for k in annotations), at, "no rewrite: routes already carry the prefix")
    checks.expect(ingress["spec"].get("ingressClassName") == "nginx", at, "ingressClassName must be nginx")
    paths = [(p["path"], p["backend"]["service"]["name"]) for r in ingress["spec"]["rules"] for p in r["http"]["paths"]]
    # The role's own prefix first, then every other prefix its config enables
    # (workflow also serves the web console, /console): each to this Service.
    expected = [ROLE_PREFIX[role]] + [p for p in enabled_prefixes(config) if p != ROLE_PREFIX[role]]
    checks.expect(paths == [(p, name) for p in expected], at, "must route %s to service %s, got %s"
                  % (expected, name, paths))


def check_ingress_variant(checks, label, ingresses, variant):
    """Production: one host for the three roles and ONE certificate order
    (cert-manager) with its tls section; dev: http://localhost, no TLS."""
    hosts = {r["host"] for i in ingresses for r in i["spec"]["rules"]}
    ordering = [i for i in ingresses if "cert-manager.io/cluster-issuer" in (i["metadata"].get("annotations") or {})]
    with_tls = [i for i in ingresses if i["spec"].get("tls")]
    if variant == "dev":
        checks.expect(hosts == {"localhost"}, label, "dev Ingresses must use host localhost, got %s" % hosts)
        checks.expect(not ordering and not with_tls, label, "dev must not order certificates or declare TLS")
        return
    checks.expect(len(hosts) == 1 and "localhost" not in hosts, label, "one production host for all roles, got %s" % hosts)
    checks.expect(len(ordering) == 1 and ordering == with_tls, label,
                  "exactly one Ingress orders the certificate and carries the tls section, got %d and %d"
                  % (len(ordering), len(with_tls)))
    for ingress in with_tls:
        checks.expect([h for t in ingress["spec"]["tls"] for h in t["hosts"]] == sorted(hosts), label,
                      "the certificate must cover the shared host")


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


def check_flows(checks, label, objects_by_role, configs=None, database=None):
    """The NetworkPolicies of all roles together allow exactly the flows the
    shipped configs and templates use (flows.py), the platform's and DNS.
    configs: {role: parsed config} when not configs/<role>.yaml (e.g. the
    rendered ConfigMaps of the PostgreSQL variant); database: where
    storage.backend postgres connects (default flows.POSTGRES_POD)."""
    objects = [o for objs in objects_by_role.values() for o in objs]
    policies = find(objects, "NetworkPolicy")
    for role, objs in objects_by_role.items():
        default_deny = [p for p in find(objs, "NetworkPolicy") if p["spec"].get("podSelector") in ({}, None)
                        and set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}
                        and not p["spec"].get("ingress") and not p["spec"].get("egress")]
        checks.expect(len(default_deny) == 1, "%s %s" % (label, role), "needs one default-deny NetworkPolicy")
    rendered = pods_of(objects)
    services = {(o["metadata"]["namespace"], o["metadata"]["name"]): o for o in find(objects, "Service")}
    configs = {role: config for role, config in (configs or flows.role_configs()).items() if role in objects_by_role}
    try:
        used, problems, endpoints = flows.derived_flows(configs, services, rendered, database)
    except ValueError as e:
        checks.expect(False, label, str(e))
        return
    for problem in problems:
        checks.expect(False, label, problem)
    pods = rendered + EXTERNAL_PODS + endpoints
    allowed = netpol.allowed_flows(policies, pods, set(objects_by_role))
    expected = platform_flows(objects_by_role) | set(used)
    for pod in rendered:
        expected.add((pod.id, "kube-system/kube-dns", "53/UDP"))
        expected.add((pod.id, "kube-system/kube-dns", "53/TCP"))
    for extra in sorted(allowed - expected):
        checks.expect(False, label, "NetworkPolicies allow a flow nothing uses: %s -> %s %s" % extra)
    for missing in sorted(expected - allowed):
        checks.expect(False, label, "NetworkPolicies block a used flow: %s -> %s %s (%s)"
                      % (missing + (used.get(missing, "platform"),)))
