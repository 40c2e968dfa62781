#pragma once
// The libcurl Transport. One easy handle per transport, reused for every request, so requests
// share one keep-alive connection to the engine.
//
// Thread-safety: a CurlTransport (and the Engine owning it) is used by one thread at a time;
// it holds no locks. Parallel work (apply's workers) makes one transport per worker thread.

#include <chrono>
#include <cstddef>
#include <memory>

#include "backends/swarm/docker_host.h"
#include "backends/swarm/transport.h"

namespace stackc::swarm {

struct TransportOptions {
  // Time allowed to open the connection (and finish a TLS handshake).
  std::chrono::milliseconds connect_timeout{10'000};
  // Time allowed for a whole request/response; 0 means no limit. Service creation can wait on
  // the managers' raft log, so this is generous.
  std::chrono::milliseconds total_timeout{120'000};
  // Responses larger than this are abandoned (guards memory against a broken peer).
  std::size_t max_response_bytes = std::size_t{256} << 20;
  std::string user_agent = "stackc";
};

class CurlTransport final : public Transport {
 public:
  CurlTransport(DockerHost host, TransportOptions options = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  tl::expected<HttpResponse, TransportError> send(const HttpRequest& request) override;
  std::string endpoint() const override;

  // Connections opened so far (1 after many requests means keep-alive worked).
  long connections_opened() const { return m_connections_opened; }

 private:
  struct Handle;
  std::unique_ptr<Handle> m_handle;
  DockerHost m_host;
  TransportOptions m_options;
  long m_connections_opened = 0;
};

std::unique_ptr<Transport> make_curl_transport(const DockerHost& host,
                                               const TransportOptions& options = {});

}  // namespace stackc::swarm
