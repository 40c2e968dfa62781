// libFuzzer target for the engine's JSON answers: a transport that answers every request with
// the next part of the input (parts split at form feeds). A part may start with a three-digit
// HTTP status ("409{...}"); otherwise it is a 200 answer. When the parts run out the connection
// "drops". Through it run what deploy, diff and ps read: the live stack (services, networks,
// secrets, configs), a plan against a fixed desired stack, the services' normalized specs, and
// task counting as --wait does it; every engine error is described. Any answer must give a
// result or an error, never a crash, hang, leak or sanitizer report.
#include <unistd.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "backends/swarm/convert.h"
#include "backends/swarm/engine.h"
#include "backends/swarm/live.h"
#include "backends/swarm/plan.h"
#include "backends/swarm/transport.h"
#include "backends/swarm/wait.h"
#include "compiler/diag.h"
#include "compiler/load.h"
#include "compiler/source.h"
#include "fuzz/split.h"

namespace {

using stackc::swarm::HttpRequest;
using stackc::swarm::HttpResponse;
using stackc::swarm::TransportError;

class ScriptedTransport final : public stackc::swarm::Transport {
 public:
  explicit ScriptedTransport(std::vector<std::string> answers) : m_answers(std::move(answers)) {}

  tl::expected<HttpResponse, TransportError> send(const HttpRequest&) override {
    if (m_next >= m_answers.size()) {
      return tl::unexpected(
          TransportError{stackc::swarm::TransportErrorKind::io, "connection dropped"});
    }
    const std::string& answer = m_answers[m_next++];
    HttpResponse response;
    response.status = 200;
    response.body = answer;
    if (answer.size() >= 3 && std::isdigit(static_cast<unsigned char>(answer[0])) &&
        std::isdigit(static_cast<unsigned char>(answer[1])) &&
        std::isdigit(static_cast<unsigned char>(answer[2]))) {
      response.status = std::stoi(answer.substr(0, 3));
      response.body = answer.substr(3);
    }
    response.headers = {{"Api-Version", "1.41"}, {"Content-Type", "application/json"}};
    return response;
  }
  std::string endpoint() const override { return "unix:///fuzz.sock"; }

 private:
  std::vector<std::string> m_answers;
  size_t m_next = 0;
};

// What a stack with a bit of everything converts to, computed once.
const stackc::swarm::DesiredStack& desired_stack() {
  static const stackc::swarm::DesiredStack desired = [] {
    std::filesystem::path dir =
        std::filesystem::path(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") /
        ("stackc-engine-fuzz-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "secret.txt") << "s3cret\n";
    std::ofstream(dir / "stack.yml") << R"(version: "3.9"
services:
  web:
    image: nginx:1.25
    ports: ["8080:80"]
    networks: [front]
    secrets: [db]
    configs: [site]
    depends_on: [api]
  api:
    image: busybox
    deploy: {mode: global}
networks:
  front: {}
  outside: {external: true}
secrets:
  db: {file: ./secret.txt}
configs:
  site: {file: ./secret.txt}
)";
    stackc::SourceManager sources;
    stackc::Diagnostics diags;
    stackc::LoadOptions options;
    options.files = {(dir / "stack.yml").string()};
    auto stack = stackc::load_stack(options, sources, diags);
    auto converted =
        stackc::swarm::convert_stack(stack.value(), stackc::swarm::ConvertOptions{"fz"}, diags);
    std::filesystem::remove_all(dir);
    return converted.value();
  }();
  return desired;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const stackc::swarm::DesiredStack& desired = desired_stack();
  stackc::swarm::Engine engine(
      std::make_unique<ScriptedTransport>(stackc::fuzz::split_parts(data, size, 64)));
  auto live = stackc::swarm::read_live_stack(engine, "fz");
  if (!live) {
    (void)live.error().describe();
    return 0;
  }
  for (bool prune : {false, true}) {
    auto plan = stackc::swarm::make_plan(desired, *live, stackc::swarm::PlanOptions{prune});
    if (plan) {
      (void)plan->has_changes();
    }
  }
  stackc::swarm::NetworkNames names = stackc::swarm::network_names(*live);
  for (const stackc::swarm::LiveObject& service : live->services) {
    (void)stackc::swarm::normalize_service_spec(service.spec_json, names);
    (void)stackc::swarm::service_mode(service.spec_json);
  }
  // What --wait and ps read next: a service, its tasks and the nodes.
  auto service = engine.inspect_service("fz_web");
  auto tasks = engine.list_tasks();
  auto nodes = engine.list_nodes();
  if (!service || !tasks || !nodes) {
    for (const auto* error : {service ? nullptr : &service.error(),
                              tasks ? nullptr : &tasks.error(), nodes ? nullptr : &nodes.error()}) {
      if (error != nullptr) {
        (void)error->describe();
      }
    }
    return 0;
  }
  std::set<std::string> active;
  if (nodes->is_array()) {
    for (const nlohmann::json& node : *nodes) {
      if (node.is_object() && node.contains("ID") && node["ID"].is_string()) {
        active.insert(node["ID"].get<std::string>());
      }
    }
  }
  (void)stackc::swarm::count_tasks(*service, *tasks, active);
  if (tasks->is_array()) {
    for (const nlohmann::json& task : *tasks) {
      if (task.is_object() && task.contains("CreatedAt") && task["CreatedAt"].is_string()) {
        (void)stackc::swarm::sortable_timestamp(task["CreatedAt"].get<std::string>());
      }
    }
  }
  return 0;
}
