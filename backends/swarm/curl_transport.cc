// The only translation unit that includes curl. libcurl is loaded with dlopen on the first
// request, not linked: it drags in about 30 shared libraries (TLS, HTTP/2, LDAP, Kerberos, ...)
// whose loading took ~10 ms of every process start, and only commands that talk to an engine
// need it. curl.h still gives the types and constants; the few functions we call are resolved
// into CurlApi.
#include "backends/swarm/curl_transport.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <fmt/format.h>

#include <strings.h>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <type_traits>

namespace stackc::swarm {

namespace {

// libcurl's soname with the ABI we compile against (Debian's libcurl4 package).
constexpr const char* k_libcurl_soname = "libcurl.so.4";

struct CurlApi {
  decltype(&::curl_global_init) global_init = nullptr;
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_reset) easy_reset = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_perform) easy_perform = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
  std::string error;  // why loading failed; empty when the table is complete
};

CurlApi load_curl_api() {
  CurlApi api;
  // Never dlclose: easy handles may outlive any scope here, and the process exits soon enough.
  void* library = dlopen(k_libcurl_soname, RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char* why = dlerror();
    api.error = fmt::format(
        "cannot load {} ({}); commands that talk to a Docker engine need libcurl "
        "(Debian/Ubuntu package libcurl4)",
        k_libcurl_soname, why ? why : "unknown error");
    return api;
  }
  bool missing = false;
  auto resolve = [&](auto& slot, const char* name) {
    slot = reinterpret_cast<std::remove_reference_t<decltype(slot)>>(dlsym(library, name));
    if (!slot && !missing) {
      missing = true;
      api.error = fmt::format("{} has no symbol {}: not a usable libcurl", k_libcurl_soname, name);
    }
  };
  resolve(api.global_init, "curl_global_init");
  resolve(api.easy_init, "curl_easy_init");
  resolve(api.easy_cleanup, "curl_easy_cleanup");
  resolve(api.easy_reset, "curl_easy_reset");
  resolve(api.easy_setopt, "curl_easy_setopt");
  resolve(api.easy_perform, "curl_easy_perform");
  resolve(api.easy_getinfo, "curl_easy_getinfo");
  resolve(api.easy_strerror, "curl_easy_strerror");
  resolve(api.slist_append, "curl_slist_append");
  resolve(api.slist_free_all, "curl_slist_free_all");
  // curl_global_init is not guaranteed thread-safe on every build; do it once, never clean up
  // (cleanup while another thread uses curl is undefined).
  if (!missing && api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    api.error = "curl_global_init failed";
  }
  return api;
}

// Loaded once per process, on first use (thread-safe static initialisation).
const CurlApi& curl_api() {
  static const CurlApi api = load_curl_api();
  return api;
}

struct Receive {
  HttpResponse* response;
  std::size_t limit;
  bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* receive = static_cast<Receive*>(user);
  size_t bytes = size * count;
  if (receive->response->body.size() + bytes > receive->limit) {
    receive->too_large = true;
    return 0;  // makes curl abort with CURLE_WRITE_ERROR
  }
  receive->response->body.append(data, bytes);
  return bytes;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* receive = static_cast<Receive*>(user);
  size_t bytes = size * count;
  std::string_view line(data, bytes);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  if (line.starts_with("HTTP/")) {
    // A new status line (after "100 Continue", say): only the final response's headers count.
    receive->response->headers.clear();
    return bytes;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    return bytes;
  }
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  receive->response->headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  return bytes;
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_api().slist_free_all(list); }
};

bool is_tls_error(CURLcode code) {
  switch (code) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CLIENTCERT:
      return true;
    default:
      return false;
  }
}

std::string connect_hint(int os_errno) {
  switch (os_errno) {
    case ENOENT:
    case ECONNREFUSED:
      return " (is dockerd running?)";
    case EACCES:
    case EPERM:
      return " (is your user allowed to use the socket, e.g. in the docker group?)";
    default:
      return "";
  }
}

}  // namespace

struct CurlTransport::Handle {
  CURL* easy = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  ~Handle() {
    if (easy) {
      curl_api().easy_cleanup(easy);
    }
  }
};

CurlTransport::CurlTransport(DockerHost host, TransportOptions options)
    : m_handle(std::make_unique<Handle>()),
      m_host(std::move(host)),
      m_options(std::move(options)) {}

CurlTransport::~CurlTransport() = default;

std::string CurlTransport::endpoint() const { return m_host.url(); }

tl::expected<HttpResponse, TransportError> CurlTransport::send(const HttpRequest& request) {
  const CurlApi& curl = curl_api();
  if (!curl.error.empty()) {
    return tl::unexpected(TransportError{TransportErrorKind::other, curl.error});
  }
  if (!m_handle->easy) {
    m_handle->easy = curl.easy_init();
    if (!m_handle->easy) {
      throw std::bad_alloc();
    }
  }
  CURL* easy = m_handle->easy;
  // Reset clears the options of the previous request but keeps the live connection.
  curl.easy_reset(easy);
  m_handle->error[0] = '\0';
  curl.easy_setopt(easy, CURLOPT_ERRORBUFFER, m_handle->error);
  curl.easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for timeouts: we may be threaded
  curl.easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl.easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(m_options.connect_timeout.count()));
  curl.easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(m_options.total_timeout.count()));
  curl.easy_setopt(easy, CURLOPT_USERAGENT, m_options.user_agent.c_str());

  std::string url;
  if (m_host.kind == DockerHost::Kind::unix_socket) {
    // The host name is only what goes into the Host header; dockerd ignores it, but Go's HTTP
    // server rejects one containing '/', so never put the socket path there.
    url = "http://docker" + request.path;
    curl.easy_setopt(easy, CURLOPT_UNIX_SOCKET_PATH, m_host.socket_path.c_str());
  } else {
    bool ipv6 = m_host.host.find(':') != std::string::npos;
    url = fmt::format("{}://{}{}{}:{}{}{}", m_host.tls ? "https" : "http", ipv6 ? "[" : "",
                      m_host.host, ipv6 ? "]" : "", m_host.port, m_host.base_path, request.path);
    curl.easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    if (m_host.tls) {
      const TlsFiles& tls = *m_host.tls;
      if (!tls.ca_file.empty()) {
        curl.easy_setopt(easy, CURLOPT_CAINFO, tls.ca_file.c_str());
      }
      if (!tls.cert_file.empty()) {
        curl.easy_setopt(easy, CURLOPT_SSLCERT, tls.cert_file.c_str());
      }
      if (!tls.key_file.empty()) {
        curl.easy_setopt(easy, CURLOPT_SSLKEY, tls.key_file.c_str());
      }
      curl.easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, tls.verify ? 1L : 0L);
      curl.easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, tls.verify ? 2L : 0L);
    }
  }
  curl.easy_setopt(easy, CURLOPT_URL, url.c_str());

  bool has_body = !request.body.empty() || request.method == "POST" || request.method == "PUT";
  if (request.method == "HEAD") {
    curl.easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (has_body) {
    curl.easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
    curl.easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    if (request.method != "POST") {
      curl.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
  } else {
    curl.easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    if (request.method != "GET") {
      curl.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
  }

  std::unique_ptr<curl_slist, SlistDeleter> headers;
  auto add_header = [&](const std::string& line) {
    curl_slist* next = curl.slist_append(headers.get(), line.c_str());
    if (!next) {
      throw std::bad_alloc();
    }
    static_cast<void>(headers.release());
    headers.reset(next);
  };
  bool has_content_type = false;
  for (const auto& [name, value] : request.headers) {
    has_content_type |= strcasecmp(name.c_str(), "Content-Type") == 0;
    add_header(name + ": " + value);
  }
  if (has_body && !has_content_type) {
    add_header("Content-Type: application/json");
  }
  add_header("Expect:");  // no "100-continue" round trip for large specs
  curl.easy_setopt(easy, CURLOPT_HTTPHEADER, headers.get());

  HttpResponse response;
  Receive receive{&response, m_options.max_response_bytes};
  curl.easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl.easy_setopt(easy, CURLOPT_WRITEDATA, &receive);
  curl.easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl.easy_setopt(easy, CURLOPT_HEADERDATA, &receive);

  CURLcode code = curl.easy_perform(easy);
  long connects = 0;
  if (curl.easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK) {
    m_connections_opened += connects;
  }
  if (code == CURLE_OK) {
    long status = 0;
    curl.easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    return response;
  }

  std::string detail = m_handle->error[0] ? m_handle->error : curl.easy_strerror(code);
  std::string what = fmt::format("{} {}", request.method, request.path);
  std::string where = m_host.url();
  TransportError error;
  if (code == CURLE_COULDNT_CONNECT) {
    long os_errno = 0;
    curl.easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
    error.kind = TransportErrorKind::connect;
    std::string reason = os_errno ? std::strerror(static_cast<int>(os_errno)) : detail;
    error.message = fmt::format("cannot connect to the Docker engine at {}: {}{}", where, reason,
                                connect_hint(static_cast<int>(os_errno)));
  } else if (code == CURLE_COULDNT_RESOLVE_HOST) {
    error.kind = TransportErrorKind::connect;
    error.message = fmt::format(
        "cannot connect to the Docker engine at {}: cannot resolve host "
        "name \"{}\"",
        where, m_host.host);
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    error.kind = TransportErrorKind::timeout;
    // curl says which phase expired only in its message ("Connection timed out after ..." vs
    // "Operation timed out after ...").
    if (detail.starts_with("Connection timed out") || detail.starts_with("Resolving timed out")) {
      error.message =
          fmt::format("cannot connect to the Docker engine at {}: no connection within {} ms",
                      where, m_options.connect_timeout.count());
    } else {
      error.message = fmt::format("the Docker engine at {} did not answer {} within {} ms", where,
                                  what, m_options.total_timeout.count());
    }
  } else if (is_tls_error(code)) {
    error.kind = TransportErrorKind::tls;
    error.message = fmt::format("TLS error talking to the Docker engine at {}: {}", where, detail);
    if (code == CURLE_SSL_CERTPROBLEM || code == CURLE_SSL_CACERT_BADFILE) {
      const TlsFiles& tls = *m_host.tls;
      error.message +=
          fmt::format(" (ca: {}, cert: {}, key: {})", tls.ca_file.empty() ? "system" : tls.ca_file,
                      tls.cert_file.empty() ? "none" : tls.cert_file,
                      tls.key_file.empty() ? "none" : tls.key_file);
    }
  } else if (code == CURLE_WRITE_ERROR && receive.too_large) {
    error.kind = TransportErrorKind::too_large;
    error.message = fmt::format("the Docker engine at {} sent more than {} bytes for {}", where,
                                m_options.max_response_bytes, what);
  } else if (code == CURLE_GOT_NOTHING) {
    error.kind = TransportErrorKind::io;
    error.message = fmt::format(
        "the Docker engine at {} closed the connection without answering {}", where, what);
  } else if (code == CURLE_PARTIAL_FILE || code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR ||
             code == CURLE_WEIRD_SERVER_REPLY || code == CURLE_HTTP2 ||
             code == CURLE_BAD_CONTENT_ENCODING) {
    error.kind = TransportErrorKind::io;
    error.message = fmt::format("the connection to the Docker engine at {} broke during {}: {}",
                                where, what, detail);
  } else {
    error.kind = TransportErrorKind::other;
    error.message =
        fmt::format("request {} to the Docker engine at {} failed: {}", what, where, detail);
  }
  return tl::unexpected(std::move(error));
}

std::unique_ptr<Transport> make_curl_transport(const DockerHost& host,
                                               const TransportOptions& options) {
  return std::make_unique<CurlTransport>(host, options);
}

}  // namespace stackc::swarm
