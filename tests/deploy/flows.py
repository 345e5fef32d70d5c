"""The network flows the shipped role configs and workflow templates use,
derived from those files: peers (which cover event targets and `agent`
steps), Redis URLs, the LLM when a role uses it, and the URLs of `http` steps.
policy.check_flows compares them with what the rendered NetworkPolicies allow.
"""
import glob
import os
import re
from urllib.parse import urlparse

import yaml

import netpol
import render

# The in-cluster LLM the llm-config Secret points at by default
# (deploy-all.sh: ollama_url http://ollama.llm.svc.cluster.local:11434); the
# chart's networkPolicy.llm and the overlays' allow-to-llm policies select it.
LLM_URL = "http://ollama.llm.svc.cluster.local:11434"
LLM_POD = netpol.Pod("llm", {"app.kubernetes.io/name": "ollama"}, {(11434, "TCP"): "http"})

# The database of storage.backend postgres: by default the in-cluster
# development server (deploy-all.sh --postgres in-cluster: db-secret host
# postgres.task-manager.svc.cluster.local), which the chart's
# storage.postgres and components/postgres select; an external one is passed
# to derived_flows as `database`.
POSTGRES_POD = netpol.Pod("task-manager", {"app.kubernetes.io/name": "postgres"}, {(5432, "TCP"): "postgres"})

# Where `http` steps' host names resolve: outside the cluster (TEST-NET-3).
EXTERNAL_IP = "203.0.113.10"

TEMPLATE_DIR = os.path.join(render.REPO, "configs", "workflows")
SHIPPED_TEMPLATES_PATH = "/usr/share/agent-host/configs/workflows"  # configs/workflows in the image


def role_configs():
    configs = {}
    for role in render.ROLES:
        with open(render.config_path(role)) as f:
            configs[role] = yaml.safe_load(f)
    return configs


def templates():
    found = []
    for path in sorted(glob.glob(os.path.join(TEMPLATE_DIR, "*.yaml"))):
        with open(path) as f:
            found.append(yaml.safe_load(f))
    return found


def enabled_plugins(config):
    return {name: (section or {}).get("config") or {}
            for name, section in (config.get("plugins") or {}).items()
            if (section or {}).get("enabled", True)}


def role_templates(config):
    """The shipped templates a role's workflow plugin loads (none elsewhere)."""
    workflow = enabled_plugins(config).get("workflow")
    if workflow is None:
        return []
    if workflow.get("definitions_dir") != SHIPPED_TEMPLATES_PATH:
        raise ValueError("workflow.definitions_dir %r is not the shipped templates (%s)"
                         % (workflow.get("definitions_dir"), SHIPPED_TEMPLATES_PATH))
    return templates()


def steps(template, kind):
    return [s for s in template.get("steps") or [] if s.get("type") == kind]


def fill_inputs(text, template):
    """{{ input.X }} in a URL, from the trigger inputs that set X."""
    def value(match):
        for trigger in template.get("triggers") or []:
            if match.group(1) in (trigger.get("input") or {}):
                return trigger["input"][match.group(1)]
        raise ValueError("%s: no trigger input sets %s" % (template["name"], match.group(1)))
    return re.sub(r"\{\{\s*input\.(\w+)\s*\}\}", value, text)


def called_agents(config):
    """Agents a role calls: event targets and the templates' `agent` steps."""
    agents = set()
    for plugin in enabled_plugins(config).values():
        events = plugin.get("events") or {}
        if events.get("enabled") and events.get("target"):
            agents.add(events["target"])
    for template in role_templates(config):
        agents |= {s["with"]["agent"] for s in steps(template, "agent")}
    return agents - set(enabled_plugins(config))  # local agents are called in-process


def uses_llm(config):
    plugins = enabled_plugins(config)
    summary = (plugins.get("reporting") or {}).get("summary") or {}
    if summary.get("enabled"):
        return True
    return any(steps(t, "llm") for t in role_templates(config))


def http_urls(config):
    return [fill_inputs(s["with"]["url"], t) for t in role_templates(config) for s in steps(t, "http")]


def redis_urls(config):
    return [p["redis"]["url"] for p in enabled_plugins(config).values() if (p.get("redis") or {}).get("url")]


def port_of(url):
    parsed = urlparse(url)
    return parsed.port or {"http": 80, "https": 443, "redis": 6379}[parsed.scheme]


def service_pod(url, services, pods):
    """The pod behind a cluster DNS URL (<service>.<namespace>.svc...)."""
    host = urlparse(url).hostname
    parts = host.split(".")
    if len(parts) < 3 or parts[2] != "svc":
        raise ValueError("%s is not a cluster Service name (<service>.<namespace>.svc.cluster.local)" % url)
    service = services.get((parts[1], parts[0]))
    if service is None:
        raise ValueError("%s: no Service %s in namespace %s is rendered" % (url, parts[0], parts[1]))
    selector = {"matchLabels": service["spec"]["selector"]}
    matches = [p for p in pods if p.namespace == parts[1] and netpol.selector_matches(selector, p.labels)]
    if len(matches) != 1:
        raise ValueError("%s: Service %s/%s selects %d workloads" % (url, parts[1], parts[0], len(matches)))
    return matches[0]


def external_endpoint(url):
    return netpol.Pod(None, {}, {(port_of(url), "TCP"): None}, ip=EXTERNAL_IP,
                      name="external/%s" % urlparse(url).hostname)


def derived_flows(configs, services, pods, database=None):
    """{(source id, destination id, 'port/TCP'): why} and the endpoints outside
    the rendered objects (LLM, database, external hosts) to evaluate them against."""
    database = database or POSTGRES_POD
    flows, problems, endpoints = {}, [], {LLM_POD.id: LLM_POD}
    servers = {p.namespace: p for p in pods if p.labels.get("app.kubernetes.io/component") == "server"}
    for role, config in configs.items():
        source = servers[role].id
        peers = config.get("peers") or {}
        for agent in sorted(called_agents(config) - set(peers)):
            problems.append("%s calls agent %s but configs/%s.yaml has no peers.%s" % (role, agent, role, agent))
        for agent, url in peers.items():
            target = service_pod(url, services, pods)
            flows[(source, target.id, "%d/TCP" % port_of(url))] = "%s peers.%s" % (role, agent)
        for url in redis_urls(config):
            target = service_pod(url, services, pods)
            flows[(source, target.id, "%d/TCP" % port_of(url))] = "%s redis.url" % role
        if ((config.get("storage") or {}).get("backend")) == "postgres":
            endpoints.setdefault(database.id, database)
            port = next(iter(database.ports))[0]
            flows[(source, database.id, "%d/TCP" % port)] = "%s storage.backend postgres" % role
        if uses_llm(config):
            flows[(source, LLM_POD.id, "%d/TCP" % port_of(LLM_URL))] = "%s LLM" % role
        for url in http_urls(config):
            endpoint = external_endpoint(url)
            endpoints[endpoint.id] = endpoint
            flows[(source, endpoint.id, "%d/TCP" % port_of(url))] = "%s http step %s" % (role, url)
    return flows, problems, list(endpoints.values())
