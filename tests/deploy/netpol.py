"""Which pod-to-pod flows a set of NetworkPolicies allows.

A small model of Kubernetes NetworkPolicy semantics (podSelector,
namespaceSelector, ports, policyTypes; ipBlock matches only endpoints outside
the cluster, never a pod): a flow is
allowed when the source's egress and the destination's ingress both allow it.
Namespaces without policies (the ingress controller's, Prometheus', DNS) are
not isolated.
"""
import ipaddress


class Pod:
    """A pod (namespace + labels), or with `ip` an endpoint outside the
    cluster (namespace None), which only ipBlock peers match."""

    def __init__(self, namespace, labels, ports, ip=None, name=None):
        self.namespace = namespace
        self.labels = dict(labels)
        self.ports = ports  # {(port, protocol): name or None}
        self.ip = ip
        self.name = name

    @property
    def id(self):
        if self.name:
            return self.name
        name = self.labels.get("app.kubernetes.io/component") or self.labels.get(
            "app.kubernetes.io/name") or self.labels.get("k8s-app")
        return "%s/%s" % (self.namespace, name)


def selector_matches(selector, labels):
    if selector is None:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def namespace_labels(namespace):
    return {"kubernetes.io/metadata.name": namespace}


def ip_block_matches(block, pod):
    if pod.ip is None:
        return False
    address = ipaddress.ip_address(pod.ip)
    if address not in ipaddress.ip_network(block["cidr"]):
        return False
    return not any(address in ipaddress.ip_network(e) for e in block.get("except") or [])


def peer_matches(peer, policy_namespace, pod):
    if "ipBlock" in peer:
        return ip_block_matches(peer["ipBlock"], pod)
    if pod.namespace is None:  # outside the cluster: only an ipBlock matches
        return False
    ns_selector = peer.get("namespaceSelector")
    pod_selector = peer.get("podSelector")
    if ns_selector is None:
        namespace_ok = pod.namespace == policy_namespace
    else:
        namespace_ok = selector_matches(ns_selector, namespace_labels(pod.namespace))
    pod_ok = True if pod_selector is None else selector_matches(pod_selector, pod.labels)
    return namespace_ok and pod_ok


def port_matches(rule_ports, port, protocol, target):
    if not rule_ports:
        return True
    for entry in rule_ports:
        if entry.get("protocol", "TCP") != protocol:
            continue
        wanted = entry.get("port")
        if wanted is None:
            return True
        if isinstance(wanted, str):
            if target.ports.get((port, protocol)) == wanted:
                return True
            continue
        if wanted <= port <= entry.get("endPort", wanted):
            return True
    return False


def _direction_allows(policies, pod, other, port, protocol, direction):
    """direction: 'Ingress' (other -> pod) or 'Egress' (pod -> other)."""
    selecting = [p for p in policies
                 if p["metadata"]["namespace"] == pod.namespace
                 and direction in policy_types(p)
                 and selector_matches(p["spec"].get("podSelector") or {}, pod.labels)]
    if not selecting:
        return True
    key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    target = pod if direction == "Ingress" else other
    for policy in selecting:
        for rule in policy["spec"].get(key) or []:
            peers = rule.get(peers_key)
            if peers is not None and not any(peer_matches(peer, pod.namespace, other) for peer in peers):
                continue
            if port_matches(rule.get("ports"), port, protocol, target):
                return True
    return False


def policy_types(policy):
    spec = policy["spec"]
    if "policyTypes" in spec:
        return spec["policyTypes"]
    return ["Ingress", "Egress"] if "egress" in spec else ["Ingress"]


def allowed_flows(policies, pods, managed_namespaces):
    """Set of (source id, destination id, 'port/protocol') over every pod pair
    with at least one side in a managed namespace."""
    flows = set()
    for source in pods:
        for target in pods:
            if source is target:
                continue
            if source.namespace not in managed_namespaces and target.namespace not in managed_namespaces:
                continue
            for (port, protocol) in target.ports:
                if (_direction_allows(policies, source, target, port, protocol, "Egress")
                        and _direction_allows(policies, target, source, port, protocol, "Ingress")):
                    flows.add((source.id, target.id, "%d/%s" % (port, protocol)))
    return flows
