#pragma once
// The seam between the Engine API calls and the wire. The libcurl implementation lives in
// curl_transport.cc (the only file that includes curl); tests substitute fakes.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace stackc::swarm {

using Header = std::pair<std::string, std::string>;

struct HttpRequest {
  std::string method = "GET";  // GET, POST, DELETE, ...
  std::string path;            // with the query string: "/v1.41/services?filters=..."
  std::string body;            // sent when non-empty (or when the method is POST/PUT)
  std::vector<Header> headers;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::vector<Header> headers;  // names as the server spelled them, in order

  // Value of the first header with that name (case-insensitive); empty when absent.
  std::string header(std::string_view name) const;
};

// What went wrong before a complete HTTP response arrived.
enum class TransportErrorKind {
  connect,    // nothing listens there, socket missing, DNS failure, permission denied
  tls,        // handshake, certificate or key problems
  timeout,    // connect or total timeout expired
  io,         // connection dropped or garbled mid-request/response
  too_large,  // response exceeded the transport's size limit
  other,
};

struct TransportError {
  TransportErrorKind kind = TransportErrorKind::other;
  std::string message;  // full sentence naming the endpoint, e.g. "cannot connect to ..."
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends one request and waits for the whole response. Any HTTP status is a response, not an
  // error; only failures to exchange a full request/response are TransportErrors.
  virtual tl::expected<HttpResponse, TransportError> send(const HttpRequest& request) = 0;
  // The endpoint in docker's spelling ("unix:///var/run/docker.sock"), for messages.
  virtual std::string endpoint() const = 0;
};

}  // namespace stackc::swarm
