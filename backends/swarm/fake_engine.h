#pragma once
// Test only: a fake Docker engine, an httplib::Server on a Unix socket in a fresh temp dir,
// for fault injection (canned answers, errors, stalls, dropped connections). It counts the
// connections it accepts so tests can check keep-alive from the server's side.

#include <httplib.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace stackc::swarm::testing {

struct RecordedRequest {
  std::string method;
  std::string target;      // path with the query string, as sent (still URL-encoded)
  httplib::Params params;  // decoded query parameters
  std::string body;
  std::string registry_auth;
  std::string content_type;
};

class FakeEngine {
 public:
  FakeEngine() {
    char pattern[] = "/tmp/stackc-fake-engine-XXXXXX";
    if (!mkdtemp(pattern)) {
      throw std::runtime_error("mkdtemp failed");
    }
    m_dir = pattern;
    m_socket = m_dir + "/docker.sock";
    m_server.set_address_family(AF_UNIX);
    // httplib closes a connection after 5 requests by default; dockerd does not.
    m_server.set_keep_alive_max_count(1000);
    // httplib runs one task per accepted connection: counting tasks counts connections.
    m_server.new_task_queue = [this] { return new CountingQueue(m_connections); };
    // Recorded after the handler but before the answer is written, so a request is visible as
    // soon as its answer arrives (the logger would run after writing: racy).
    m_server.set_post_routing_handler([this](const httplib::Request& request, httplib::Response&) {
      std::lock_guard lock(m_mutex);
      m_requests.push_back({request.method, request.target, request.params, request.body,
                            request.get_header_value("X-Registry-Auth"),
                            request.get_header_value("Content-Type")});
    });
  }
  ~FakeEngine() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
  }

  httplib::Server& server() { return m_server; }
  const std::string& socket_path() const { return m_socket; }
  const std::string& dir() const { return m_dir; }
  int connections() const { return m_connections.load(); }
  std::vector<RecordedRequest> requests() {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }

  // Call after registering handlers.
  void start() {
    if (!m_server.bind_to_port(m_socket, 80)) {
      throw std::runtime_error("cannot bind the fake engine to " + m_socket);
    }
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    for (int i = 0; i < 500 && !m_server.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  void stop() {
    if (m_thread.joinable()) {
      m_server.stop();
      m_thread.join();
    }
  }

  // Answers GET /_ping and GET /version like a Debian 12 engine (20.10, API 1.41) unless told
  // otherwise.
  void serve_version(const std::string& api = "1.41", const std::string& min_api = "1.12") {
    m_server.Get("/_ping", [api](const httplib::Request&, httplib::Response& response) {
      response.set_header("Api-Version", api);
      response.set_content("OK", "text/plain");
    });
    m_server.Get("/version", [api, min_api](const httplib::Request&, httplib::Response& response) {
      response.set_content(R"({"Version":"20.10.24+dfsg1","ApiVersion":")" + api +
                               R"(","MinAPIVersion":")" + min_api + R"("})",
                           "application/json");
    });
  }

 private:
  class CountingQueue : public httplib::TaskQueue {
   public:
    explicit CountingQueue(std::atomic<int>& count) : m_count(count), m_pool(4) {}
    void enqueue(std::function<void()> fn) override {
      ++m_count;
      m_pool.enqueue(std::move(fn));
    }
    void shutdown() override { m_pool.shutdown(); }

   private:
    std::atomic<int>& m_count;
    httplib::ThreadPool m_pool;
  };

  std::string m_dir;
  std::string m_socket;
  httplib::Server m_server;
  std::thread m_thread;
  std::atomic<int> m_connections{0};
  std::mutex m_mutex;
  std::vector<RecordedRequest> m_requests;
};

}  // namespace stackc::swarm::testing
