#pragma once
// Test only: a tiny swarm behind the fake engine (fake_engine.h), for the apply and deploy tests
// that need faults the lab cannot make on demand. Services, networks, secrets and configs are
// kept in memory and found by ID or name; updates check Version.Index, keep PreviousSpec and
// honour rollback=previous as swarmkit does; a second object of one name is refused (409); tasks
// and nodes are empty lists, so replicas: 0 services converge at once. Switches inject an HTTP 500
// on a create or an update, updates that lose a race, and a paused update.

#include <fmt/format.h>

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "backends/swarm/apply.h"
#include "backends/swarm/curl_transport.h"
#include "backends/swarm/docker_host.h"
#include "backends/swarm/engine.h"
#include "backends/swarm/fake_engine.h"

namespace stackc::swarm::testing {

class FakeSwarm {
 public:
  using json = nlohmann::json;

  FakeSwarm() {
    m_fake.serve_version();
    auto& server = m_fake.server();
    server.Get("/v1.41/swarm", [](const httplib::Request&, httplib::Response& response) {
      response.set_content(R"({"ID":"swarm1"})", "application/json");
    });
    for (const std::string empty : {"tasks", "nodes"}) {
      server.Get("/v1.41/" + empty, [](const httplib::Request&, httplib::Response& response) {
        response.set_content("[]", "application/json");
      });
    }
    for (const std::string kind : {"services", "networks", "secrets", "configs"}) {
      server.Get("/v1.41/" + kind, [this, kind](const httplib::Request&, httplib::Response& r) {
        std::lock_guard lock(m_mutex);
        json list = json::array();
        for (const auto& [id, object] : m_objects[kind]) {
          list.push_back(object);
        }
        r.set_content(list.dump(), "application/json");
      });
      server.Post("/v1.41/" + kind + "/create",
                  [this, kind](const httplib::Request& request, httplib::Response& r) {
                    create(kind, request, r);
                  });
      server.Get("/v1.41/" + kind + R"(/([^/]+))",
                 [this, kind](const httplib::Request& request, httplib::Response& r) {
                   std::lock_guard lock(m_mutex);
                   if (json* object = find(kind, request.matches[1])) {
                     r.set_content(object->dump(), "application/json");
                   } else {
                     reply(r, 404, {{"message", "not found"}});
                   }
                 });
      server.Post("/v1.41/" + kind + R"(/([^/]+)/update)",
                  [this, kind](const httplib::Request& request, httplib::Response& r) {
                    update(kind, request, r);
                  });
      server.Delete("/v1.41/" + kind + R"(/([^/]+))",
                    [this, kind](const httplib::Request& request, httplib::Response& r) {
                      std::lock_guard lock(m_mutex);
                      if (json* object = find(kind, request.matches[1])) {
                        m_objects[kind].erase(id_of(*object));
                        r.status = 204;
                      } else {
                        reply(r, 404, {{"message", "not found"}});
                      }
                    });
    }
    m_fake.start();
  }

  // "unix://..." for DeployOptions::host and the like.
  std::string host() const { return "unix://" + m_fake.socket_path(); }
  Engine engine() {
    DockerHost host;
    host.socket_path = m_fake.socket_path();
    return Engine(make_curl_transport(host));
  }
  EngineFactory factory() {
    std::string socket = m_fake.socket_path();
    return [socket] {
      DockerHost host;
      host.socket_path = socket;
      auto engine = std::make_unique<Engine>(make_curl_transport(host));
      engine->set_api_version("1.41");
      return engine;
    };
  }

  // The next create of this name answers HTTP 500.
  void fail_create(const std::string& name) {
    std::lock_guard lock(m_mutex);
    m_fail_create = name;
  }
  // The next update of this service answers HTTP 500.
  void fail_update(const std::string& name) {
    std::lock_guard lock(m_mutex);
    m_fail_update = name;
  }
  // The next rollback (update?rollback=previous) of this service answers HTTP 500.
  void fail_rollback(const std::string& name) {
    std::lock_guard lock(m_mutex);
    m_fail_rollback = name;
  }
  // Injected failures quote the request body in their message, as some proxies and engine
  // errors do: what stackc prints of them must still hold no secret.
  void echo_requests_in_errors() {
    std::lock_guard lock(m_mutex);
    m_echo = true;
  }
  // The next `count` updates of services find that someone else wrote the service first.
  void race_updates(int count) {
    std::lock_guard lock(m_mutex);
    m_races = count;
  }
  // The engine paused this service's update (failure_action pause after failed tasks).
  void pause(const std::string& name) {
    std::lock_guard lock(m_mutex);
    (*find("services", name))["UpdateStatus"] = {
        {"State", "paused"}, {"Message", "update paused due to failure or early termination"}};
  }

  // The writes in order, without the API version: "POST /services/ID/update?version=11".
  std::vector<std::string> writes() {
    std::vector<std::string> out;
    for (const auto& request : m_fake.requests()) {
      if (request.method != "GET") {
        out.push_back(request.method + " " + request.target.substr(request.target.find('/', 1)));
      }
    }
    return out;
  }
  std::vector<RecordedRequest> requests() { return m_fake.requests(); }
  size_t count(const std::string& kind) {
    std::lock_guard lock(m_mutex);
    return m_objects[kind].size();
  }
  std::optional<json> service(const std::string& name) {
    std::lock_guard lock(m_mutex);
    json* object = find("services", name);
    return object ? std::optional<json>(*object) : std::nullopt;
  }
  // A config (or service, secret, network) as the engine would inspect it.
  std::optional<json> object(const std::string& kind, const std::string& name) {
    std::lock_guard lock(m_mutex);
    json* found = find(kind, name);
    return found ? std::optional<json>(*found) : std::nullopt;
  }
  bool has_network(const std::string& name) {
    std::lock_guard lock(m_mutex);
    return find("networks", name) != nullptr;
  }

 private:
  static void reply(httplib::Response& response, int status, const json& body) {
    response.status = status;
    response.set_content(body.dump(), "application/json");
  }
  static std::string id_of(const json& object) {
    return object.contains("ID") ? object["ID"].get<std::string>()
                                 : object["Id"].get<std::string>();
  }
  static std::string name_of(const json& object) {
    return object.contains("Spec") ? object["Spec"].value("Name", "") : object.value("Name", "");
  }
  json* find(const std::string& kind, const std::string& id_or_name) {
    for (auto& [id, object] : m_objects[kind]) {
      if (id == id_or_name || name_of(object) == id_or_name) {
        return &object;
      }
    }
    return nullptr;
  }

  std::string injected(const std::string& what, const httplib::Request& request) const {
    std::string message = "rpc error: code = Unavailable desc = " + what;
    return m_echo ? message + ": " + request.body : message;
  }

  void create(const std::string& kind, const httplib::Request& request, httplib::Response& r) {
    std::lock_guard lock(m_mutex);
    json spec = json::parse(request.body);
    const std::string name = spec.value("Name", "");
    if (!m_fail_create.empty() && name == m_fail_create) {
      m_fail_create.clear();
      reply(r, 500, {{"message", injected("raft lost quorum", request)}});
      return;
    }
    if (kind != "networks" && find(kind, name) != nullptr) {
      // swarmkit refuses a second object of one name (networks may share one)
      reply(r, 409,
            {{"message",
              "rpc error: code = AlreadyExists desc = name conflicts with an "
              "existing object"}});
      return;
    }
    std::string id = fmt::format("id{}", ++m_next_id);
    if (kind == "networks") {
      m_objects[kind][id] = {{"Id", id},
                             {"Name", name},
                             {"Scope", "swarm"},
                             {"Driver", spec.value("Driver", "overlay")},
                             {"Labels", spec.value("Labels", json::object())}};
      reply(r, 201, {{"Id", id}});
      return;
    }
    if (kind == "secrets") {
      spec.erase("Data");  // never read back
    }
    m_objects[kind][id] = {{"ID", id}, {"Version", {{"Index", ++m_index}}}, {"Spec", spec}};
    reply(r, 201, {{"ID", id}});
  }

  void update(const std::string& kind, const httplib::Request& request, httplib::Response& r) {
    std::lock_guard lock(m_mutex);
    json* object = find(kind, request.matches[1]);
    if (object == nullptr) {
      reply(r, 404, {{"message", "not found"}});
      return;
    }
    if (m_races > 0 && kind == "services") {
      // Another client wrote first: the index moves on and this update is out of sequence.
      --m_races;
      (*object)["Version"]["Index"] = ++m_index;
    }
    if (request.get_param_value("version") !=
        std::to_string((*object)["Version"]["Index"].get<int>())) {
      reply(r, 500, {{"message", "rpc error: code = Unknown desc = update out of sequence"}});
      return;
    }
    if (!m_fail_update.empty() && name_of(*object) == m_fail_update) {
      m_fail_update.clear();
      reply(r, 500, {{"message", injected("raft lost quorum", request)}});
      return;
    }
    json previous = (*object)["Spec"];
    if (request.get_param_value("rollback") == "previous") {
      if (!m_fail_rollback.empty() && name_of(*object) == m_fail_rollback) {
        m_fail_rollback.clear();
        reply(r, 500, {{"message", injected("rollback refused", request)}});
        return;
      }
      if (!object->contains("PreviousSpec")) {
        reply(r, 400, {{"message", "service has no previous spec"}});
        return;
      }
      (*object)["Spec"] = (*object)["PreviousSpec"];
      (*object)["UpdateStatus"] = {{"State", "rollback_completed"},
                                   {"Message", "manually requested rollback"}};
    } else {
      (*object)["Spec"] = json::parse(request.body);
      if (kind == "services") {
        (*object)["UpdateStatus"] = {{"State", "completed"}};
      }
    }
    (*object)["PreviousSpec"] = previous;
    (*object)["Version"]["Index"] = ++m_index;
    reply(r, 200, {{"Warnings", json::array()}});
  }

  FakeEngine m_fake;
  std::mutex m_mutex;
  std::map<std::string, std::map<std::string, json>> m_objects;
  std::string m_fail_create;
  std::string m_fail_update;
  std::string m_fail_rollback;
  bool m_echo = false;
  int m_races = 0;
  int m_next_id = 0;
  int m_index = 10;
};

}  // namespace stackc::swarm::testing
