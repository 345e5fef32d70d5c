// The cluster's DNS names on one machine, resolved by the real resolver: the
// test process moves into a mount and a network namespace of its own (root
// only: CI), brings up its loopback and binds a hosts file of its own over
// /etc/hosts, so every process it starts resolves each Service name (glibc
// NSS "files") to a 127.0.0.x address of that Service, where the Service
// listens on the port the rendered configs use. Nothing leaves the namespaces:
// the machine's /etc/hosts and ports are untouched.
#pragma once

#include <map>
#include <string>

namespace agent_host::test {

// Enters the namespaces; call once, before the process starts any thread
// (namespaces belong to the calling thread and what it starts later). False
// with `why` set when this process cannot (not root): the topology then
// reaches the names through its HTTP proxy instead.
bool enter_cluster_network(std::string& why);
// Whether enter_cluster_network succeeded in this process.
bool in_cluster_network();

// Replaces the names of the hosts file: {DNS name: address}.
void map_cluster_names(const std::map<std::string, std::string>& addresses);

}  // namespace agent_host::test
