// bare-pistache-server --port N [--threads N] [--keep-alive-http11] [--body TEXT]
//
// The benchmark baseline: a Pistache 0.0.5 endpoint whose one handler answers
// every request with a fixed JSON body, so the host's cost can be measured as
// the difference. --keep-alive-http11 keeps HTTP/1.1 connections open when the
// client sends no Connection header, as agent-host does; without it Pistache
// closes them (its raw behaviour).
#include <pistache/endpoint.h>
#include <pistache/http.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

namespace {

using namespace Pistache;

struct Settings {
  int port = 0;
  int threads = 2;
  bool keep_alive_http11 = false;
  std::string body = R"({"message":"Hi, bench!"})";
};

class FixedHandler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(FixedHandler)
  FixedHandler(std::string body, bool keep_alive_http11)
      : body_(std::move(body)), keep_alive_http11_(keep_alive_http11) {}

  void onRequest(const Http::Request& request, Http::ResponseWriter writer) override {
    if (keep_alive_http11_ && request.version() == Http::Version::Http11) {
      const auto connection = request.headers().tryGet<Http::Header::Connection>();
      if (!connection || connection->control() != Http::ConnectionControl::Close) {
        writer.headers().remove<Http::Header::Connection>();
        writer.headers().add<Http::Header::Connection>(Http::ConnectionControl::KeepAlive);
      }
    }
    writer.headers().add<Http::Header::ContentType>(MIME(Application, Json));
    writer.send(Http::Code::Ok, body_);
  }

 private:
  std::string body_;
  bool keep_alive_http11_;
};

Settings parse(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--port" && has_value) {
      settings.port = std::atoi(argv[++i]);
    } else if (arg == "--threads" && has_value) {
      settings.threads = std::atoi(argv[++i]);
    } else if (arg == "--body" && has_value) {
      settings.body = argv[++i];
    } else if (arg == "--keep-alive-http11") {
      settings.keep_alive_http11 = true;
    } else {
      std::cerr << "bare-pistache-server: unknown or incomplete option '" << arg
                << "'; usage: --port N [--threads N] [--keep-alive-http11] [--body TEXT]\n";
      std::exit(2);
    }
  }
  if (settings.port <= 0 || settings.port > 65535 || settings.threads <= 0) {
    std::cerr << "bare-pistache-server: --port 1..65535 is required and --threads must be > 0\n";
    std::exit(2);
  }
  return settings;
}

}  // namespace

int main(int argc, char** argv) {
  const Settings settings = parse(argc, argv);
  // Block the stop signals before Pistache starts its threads; wait for them here.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Http::Endpoint endpoint(Address("127.0.0.1", Port(static_cast<uint16_t>(settings.port))));
  endpoint.init(Http::Endpoint::options()
                    .threads(settings.threads)
                    .flags(Tcp::Options::ReuseAddr)
                    .backlog(1024));
  endpoint.setHandler(std::make_shared<FixedHandler>(settings.body, settings.keep_alive_http11));
  endpoint.serveThreaded();
  std::cout << "listening on 127.0.0.1:" << settings.port << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  endpoint.shutdown();
  return 0;
}
