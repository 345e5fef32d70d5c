// The host answers <prefix>/health itself: a plugin that registers a route
// there is refused at start, naming the path and why.
#include <gtest/gtest.h>

#include <agent_host/sdk.hpp>
#include <agent_host/testing.hpp>

namespace {

using agent_host::Host;
using agent_host::Request;
using agent_host::Response;

class OwnHealth : public agent_host::Plugin {
 public:
  OwnHealth(Host& host, const nlohmann::json&) : Plugin(host) {
    host.route("GET", "/health", "Its own health", [](const Request&) {
      return Response::json({{"mine", true}});
    });
  }
};

TEST(ReservedRoutes, APluginRouteAtHealthIsRefusedAtStart) {
  static const ah_plugin_descriptor descriptor = agent_host::detail::Adapter<OwnHealth>::describe(
      "own-health", "1.0.0", "/own", "Registers /health", "{}");
  agent_host::testing::FakeHost host;
  host.add_plugin(&descriptor);
  try {
    host.start();
    FAIL() << "a plugin route at /health was accepted";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/own/health answers the host's /health"),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
