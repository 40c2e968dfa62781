#include "backends/swarm/curl_transport.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>

#include "backends/swarm/fake_engine.h"

namespace stackc::swarm {
namespace {

using testing::FakeEngine;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::chrono_literals;

DockerHost unix_host(const std::string& path) {
  DockerHost host;
  host.socket_path = path;
  return host;
}

TEST(CurlTransport, TalksHttpOverAUnixSocket) {
  FakeEngine engine;
  std::string host_header;
  engine.server().Get("/v1.41/_ping",
                      [&](const httplib::Request& request, httplib::Response& response) {
                        host_header = request.get_header_value("Host");
                        response.set_header("Api-Version", "1.41");
                        response.set_content("OK", "text/plain");
                      });
  engine.server().Post("/v1.41/echo",
                       [](const httplib::Request& request, httplib::Response& response) {
                         response.status = 201;
                         response.set_content(request.body, "application/json");
                       });
  engine.server().Delete(
      "/v1.41/things/x",
      [](const httplib::Request&, httplib::Response& response) { response.status = 204; });
  engine.start();

  CurlTransport transport(unix_host(engine.socket_path()));
  EXPECT_EQ(transport.endpoint(), "unix://" + engine.socket_path());

  auto ping = transport.send({.method = "GET", .path = "/v1.41/_ping", .body = "", .headers = {}});
  ASSERT_TRUE(ping) << ping.error().message;
  EXPECT_EQ(ping->status, 200);
  EXPECT_EQ(ping->body, "OK");
  EXPECT_EQ(ping->header("api-version"), "1.41");  // case-insensitive lookup
  EXPECT_EQ(ping->header("X-Missing"), "");
  // Go's HTTP server rejects a Host header holding the socket path; we must not send one.
  EXPECT_EQ(host_header, "docker");

  auto echo = transport.send({.method = "POST",
                              .path = "/v1.41/echo",
                              .body = R"({"Name":"x"})",
                              .headers = {{"X-Registry-Auth", "e30="}}});
  ASSERT_TRUE(echo) << echo.error().message;
  EXPECT_EQ(echo->status, 201);
  EXPECT_EQ(echo->body, R"({"Name":"x"})");

  auto removed =
      transport.send({.method = "DELETE", .path = "/v1.41/things/x", .body = "", .headers = {}});
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(removed->status, 204);

  // An HTTP error status is an answer, not a transport error.
  auto missing =
      transport.send({.method = "GET", .path = "/v1.41/nothing", .body = "", .headers = {}});
  ASSERT_TRUE(missing) << missing.error().message;
  EXPECT_EQ(missing->status, 404);

  auto requests = engine.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[1].method, "POST");
  EXPECT_EQ(requests[1].content_type, "application/json");
  EXPECT_EQ(requests[1].registry_auth, "e30=");
  EXPECT_EQ(requests[2].method, "DELETE");
}

TEST(CurlTransport, ReusesOneConnection) {
  FakeEngine engine;
  engine.server().Get("/n", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("{}", "application/json");
  });
  engine.server().Post("/n", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("{}", "application/json");
  });
  engine.start();
  CurlTransport transport(unix_host(engine.socket_path()));
  for (int i = 0; i < 6; ++i) {
    auto response = transport.send(
        {.method = i % 2 ? "POST" : "GET", .path = "/n", .body = i % 2 ? "{}" : "", .headers = {}});
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->status, 200);
  }
  EXPECT_EQ(transport.connections_opened(), 1);
  EXPECT_EQ(engine.connections(), 1);
  EXPECT_EQ(engine.requests().size(), 6u);
}

TEST(CurlTransport, MissingSocketSaysSo) {
  FakeEngine engine;  // only for its temp dir; never started
  std::string path = engine.dir() + "/absent.sock";
  CurlTransport transport(unix_host(path));
  auto response = transport.send({.method = "GET", .path = "/version", .body = "", .headers = {}});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, TransportErrorKind::connect);
  EXPECT_EQ(response.error().message, "cannot connect to the Docker engine at unix://" + path +
                                          ": No such file or directory (is dockerd running?)");
}

TEST(CurlTransport, SocketWithoutListenerIsRefused) {
  FakeEngine engine;
  std::string path = engine.dir() + "/stale.sock";
  // A socket file left behind by a dead daemon: bound, never listening.
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", path.c_str());
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  close(fd);

  CurlTransport transport(unix_host(path));
  auto response = transport.send({.method = "GET", .path = "/version", .body = "", .headers = {}});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, TransportErrorKind::connect);
  EXPECT_EQ(response.error().message, "cannot connect to the Docker engine at unix://" + path +
                                          ": Connection refused (is dockerd running?)");
}

TEST(CurlTransport, TotalTimeout) {
  FakeEngine engine;
  std::mutex mutex;
  std::condition_variable released;
  bool release = false;
  engine.server().Get("/slow", [&](const httplib::Request&, httplib::Response& response) {
    std::unique_lock lock(mutex);
    released.wait_for(lock, 5s, [&] { return release; });
    response.set_content("late", "text/plain");
  });
  engine.start();
  CurlTransport transport(unix_host(engine.socket_path()), {.total_timeout = 300ms});
  auto start = std::chrono::steady_clock::now();
  auto response = transport.send({.method = "GET", .path = "/slow", .body = "", .headers = {}});
  auto elapsed = std::chrono::steady_clock::now() - start;
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  released.notify_all();
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, TransportErrorKind::timeout);
  EXPECT_EQ(response.error().message, "the Docker engine at unix://" + engine.socket_path() +
                                          " did not answer GET /slow within 300 ms");
  EXPECT_GE(elapsed, 300ms);
  EXPECT_LT(elapsed, 3s);
}

TEST(CurlTransport, DroppedConnectionMidResponseThenRecovers) {
  FakeEngine engine;
  engine.server().Get("/drop", [](const httplib::Request&, httplib::Response& response) {
    // Promise 1000 bytes, send 10, then give up: the server closes the connection.
    response.set_content_provider(1000, "application/json",
                                  [](size_t, size_t, httplib::DataSink& sink) {
                                    sink.write("[{\"ID\":\"ab", 10);
                                    return false;
                                  });
  });
  engine.server().Get("/ok", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("[]", "application/json");
  });
  engine.start();
  CurlTransport transport(unix_host(engine.socket_path()));
  auto response = transport.send({.method = "GET", .path = "/drop", .body = "", .headers = {}});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, TransportErrorKind::io);
  EXPECT_THAT(response.error().message,
              StartsWith("the connection to the Docker engine at unix://" + engine.socket_path() +
                         " broke during GET /drop: "));

  auto next = transport.send({.method = "GET", .path = "/ok", .body = "", .headers = {}});
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(next->body, "[]");
  EXPECT_EQ(transport.connections_opened(), 2);
}

TEST(CurlTransport, ResponseSizeLimit) {
  FakeEngine engine;
  engine.server().Get("/big", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(std::string(4096, 'x'), "text/plain");
  });
  engine.start();
  CurlTransport transport(unix_host(engine.socket_path()), {.max_response_bytes = 1000});
  auto response = transport.send({.method = "GET", .path = "/big", .body = "", .headers = {}});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, TransportErrorKind::too_large);
  EXPECT_THAT(response.error().message, HasSubstr("sent more than 1000 bytes for GET /big"));
}

// A plain-HTTP or TLS httplib server on 127.0.0.1, on a thread.
template <typename Server>
class TcpServer {
 public:
  template <typename... Args>
  explicit TcpServer(Args&&... args) : m_server(std::forward<Args>(args)...) {}
  ~TcpServer() {
    m_server.stop();
    if (m_thread.joinable()) {
      m_thread.join();
    }
  }
  Server& server() { return m_server; }
  int start() {
    int port = m_server.bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    for (int i = 0; i < 500 && !m_server.is_running(); ++i) {
      std::this_thread::sleep_for(2ms);
    }
    return port;
  }

 private:
  Server m_server;
  std::thread m_thread;
};

DockerHost tcp_host(int port) {
  DockerHost host;
  host.kind = DockerHost::Kind::tcp;
  host.host = "127.0.0.1";
  host.port = port;
  return host;
}

TEST(CurlTransport, PlainTcpAndBasePath) {
  TcpServer<httplib::Server> server;
  server.server().Get("/prefix/v1.41/info",
                      [](const httplib::Request&, httplib::Response& response) {
                        response.set_content("{}", "application/json");
                      });
  int port = server.start();
  ASSERT_GT(port, 0);
  DockerHost host = tcp_host(port);
  host.base_path = "/prefix";
  CurlTransport transport(host);
  auto response =
      transport.send({.method = "GET", .path = "/v1.41/info", .body = "", .headers = {}});
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "{}");
}

TEST(CurlTransport, TlsAgainstAPlainServerIsATlsError) {
  TcpServer<httplib::Server> server;
  int port = server.start();
  DockerHost host = tcp_host(port);
  host.tls = TlsFiles{.ca_file = "", .cert_file = "", .key_file = "", .verify = false};
  CurlTransport transport(host);
  auto response = transport.send({.method = "GET", .path = "/version", .body = "", .headers = {}});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, TransportErrorKind::tls);
  EXPECT_THAT(response.error().message,
              StartsWith(fmt::format(
                  "TLS error talking to the Docker engine at tcp://127.0.0.1:{}: ", port)));
}

// Mutual TLS as dockerd does it (--tlsverify): a CA, a server certificate for 127.0.0.1 and a
// client certificate, made with the openssl command at test time.
class MutualTls : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/stackc-tls-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    m_dir = pattern;
    std::string script = fmt::format(R"(set -e; cd {}
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=stackc-test-ca -keyout ca-key.pem -out ca.pem
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=other-ca -keyout other-ca-key.pem -out other-ca.pem
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server-key.pem -out server.csr
printf 'subjectAltName=IP:127.0.0.1\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 1 -extfile server.ext -out server.pem
openssl req -newkey rsa:2048 -nodes -subj /CN=client -keyout key.pem -out client.csr
printf 'extendedKeyUsage=clientAuth\n' > client.ext
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 1 -extfile client.ext -out cert.pem
)",
                                     m_dir);
    ASSERT_EQ(std::system(("(" + script + ") >/dev/null 2>&1").c_str()), 0)
        << "openssl could not make test certificates";
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }
  std::string file(const char* name) const { return m_dir + "/" + name; }
  std::string m_dir;
};

TEST_F(MutualTls, ClientCertificateAndVerification) {
  TcpServer<httplib::SSLServer> server(file("server.pem").c_str(), file("server-key.pem").c_str(),
                                       file("ca.pem").c_str());
  server.server().Get("/version", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(R"({"ApiVersion":"1.41"})", "application/json");
  });
  int port = server.start();
  ASSERT_GT(port, 0);
  DockerHost host = tcp_host(port);

  host.tls = TlsFiles{file("ca.pem"), file("cert.pem"), file("key.pem"), true};
  auto ok =
      CurlTransport(host).send({.method = "GET", .path = "/version", .body = "", .headers = {}});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->body, R"({"ApiVersion":"1.41"})");

  // Without the client certificate the server refuses the handshake.
  host.tls = TlsFiles{file("ca.pem"), "", "", true};
  auto no_cert =
      CurlTransport(host).send({.method = "GET", .path = "/version", .body = "", .headers = {}});
  ASSERT_FALSE(no_cert);
  EXPECT_THAT(no_cert.error().kind,
              ::testing::AnyOf(TransportErrorKind::tls, TransportErrorKind::io));

  // Verifying against the wrong CA fails; skipping verification (SkipTLSVerify) does not.
  host.tls = TlsFiles{file("other-ca.pem"), file("cert.pem"), file("key.pem"), true};
  auto wrong_ca =
      CurlTransport(host).send({.method = "GET", .path = "/version", .body = "", .headers = {}});
  ASSERT_FALSE(wrong_ca);
  EXPECT_EQ(wrong_ca.error().kind, TransportErrorKind::tls);
  host.tls->verify = false;
  auto skipped =
      CurlTransport(host).send({.method = "GET", .path = "/version", .body = "", .headers = {}});
  ASSERT_TRUE(skipped) << skipped.error().message;

  // A missing key file is reported with the files involved.
  host.tls = TlsFiles{file("ca.pem"), file("cert.pem"), file("missing-key.pem"), true};
  auto bad_key =
      CurlTransport(host).send({.method = "GET", .path = "/version", .body = "", .headers = {}});
  ASSERT_FALSE(bad_key);
  EXPECT_EQ(bad_key.error().kind, TransportErrorKind::tls);
  EXPECT_THAT(bad_key.error().message, HasSubstr("missing-key.pem"));
}

}  // namespace
}  // namespace stackc::swarm
