#include "cluster_names.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace agent_host::test {
namespace {

bool entered = false;

std::filesystem::path hosts_file() {
  return std::filesystem::temp_directory_path() / ("topology-hosts-" + std::to_string(::getpid()));
}

std::string failure(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// A new network namespace has its loopback down.
bool loopback_up(std::string& why) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  ifreq request{};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  bool ok = fd >= 0 && ::ioctl(fd, SIOCGIFFLAGS, &request) == 0;
  request.ifr_flags |= IFF_UP;
  ok = ok && ::ioctl(fd, SIOCSIFFLAGS, &request) == 0;
  if (!ok) why = failure("bringing up lo");
  if (fd >= 0) ::close(fd);
  return ok;
}

// Rewrites the file in place (O_TRUNC keeps the inode the bind mount shows).
void write_hosts(const std::filesystem::path& file,
                 const std::map<std::string, std::string>& addresses) {
  std::ofstream out(file, std::ios::trunc);
  out << "127.0.0.1 localhost\n::1 localhost\n";
  for (const auto& [name, address] : addresses) out << address << " " << name << "\n";
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

// A private mount namespace with the test's hosts file over /etc/hosts.
bool own_hosts_file(std::string& why) {
  if (::unshare(CLONE_NEWNS) != 0) {
    why = failure("unshare(CLONE_NEWNS)");
    return false;
  }
  // Private first, so the bind mount below never reaches the machine's namespace.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    why = failure("making / private");
    return false;
  }
  write_hosts(hosts_file(), {});
  const bool bound = ::mount(hosts_file().c_str(), "/etc/hosts", nullptr, MS_BIND, nullptr) == 0;
  if (!bound) why = failure("binding the test's hosts file over /etc/hosts");
  std::filesystem::remove(hosts_file());  // the mount keeps it; nothing is left behind
  return bound;
}

// A network namespace with its loopback up; on failure the process stays in
// (or returns to) the machine's, so the proxy fallback still works.
bool own_network(std::string& why) {
  const int machine = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (::unshare(CLONE_NEWNET) != 0) {
    why = failure("unshare(CLONE_NEWNET)");
    ::close(machine);
    return false;
  }
  const bool up = loopback_up(why);
  if (!up && ::setns(machine, CLONE_NEWNET) != 0)
    throw std::runtime_error(failure("returning to the machine's network namespace"));
  ::close(machine);
  return up;
}

}  // namespace

bool enter_cluster_network(std::string& why) {
  if (::geteuid() != 0) {
    why = "not root: the cluster's names go through the HTTP proxy";
    return false;
  }
  entered = own_hosts_file(why) && own_network(why);
  return entered;
}

bool in_cluster_network() {
  return entered;
}

void map_cluster_names(const std::map<std::string, std::string>& addresses) {
  if (!entered) throw std::logic_error("map_cluster_names needs enter_cluster_network");
  write_hosts("/etc/hosts", addresses);
}

}  // namespace agent_host::test
