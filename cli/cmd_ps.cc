// stackc ps: the tasks of a stack with their service, slot, node, desired and current state and
// error, like `docker stack ps`.

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "backends/swarm/engine.h"
#include "cli/commands.h"
#include "cli/exit_status.h"

namespace stackc {

int run_ps(const GlobalOptions&, const PsOptions& options) {
  using nlohmann::json;
  auto connection = connect_manager(options.host);
  if (!connection) {
    return k_exit_usage;
  }
  swarm::Engine& engine = *connection->engine;
  swarm::Filters filter = swarm::namespace_filter(options.stack);
  auto tasks = engine.list_tasks(filter);
  auto services = tasks ? engine.list_services(filter) : tasks;
  auto nodes = services ? engine.list_nodes() : services;
  if (!nodes) {
    std::cerr << "stackc: error: " << nodes.error().describe() << "\n";
    return k_exit_usage;
  }
  std::map<std::string, std::string> service_names;
  for (const json& service : *services) {
    service_names[service.value("ID", "")] =
        service.value("/Spec/Name"_json_pointer, std::string());
  }
  std::map<std::string, std::string> node_names;
  for (const json& node : *nodes) {
    node_names[node.value("ID", "")] =
        node.value("/Description/Hostname"_json_pointer, std::string());
  }
  struct Row {
    std::string id, name, image, node, desired, current, error;
  };
  std::vector<Row> rows;
  for (const json& task : *tasks) {
    Row row;
    row.id = task.value("ID", "").substr(0, 12);
    std::string service = service_names[task.value("ServiceID", "")];
    if (service.empty()) {
      service = task.value("ServiceID", "");
    }
    if (task.contains("Slot") && task["Slot"].is_number() && task["Slot"].get<int>() > 0) {
      row.name = fmt::format("{}.{}", service, task["Slot"].get<int>());
    } else {
      row.name = fmt::format("{}.{}", service, task.value("NodeID", ""));  // global services
    }
    row.image = task.value("/Spec/ContainerSpec/Image"_json_pointer, std::string());
    if (auto at = row.image.find('@'); at != std::string::npos) {
      row.image = row.image.substr(0, at);
    }
    row.node = node_names[task.value("NodeID", "")];
    row.desired = task.value("DesiredState", "");
    row.current = task.value("/Status/State"_json_pointer, std::string());
    row.error = task.value("/Status/Err"_json_pointer, std::string());
    rows.push_back(std::move(row));
  }
  if (rows.empty()) {
    std::cerr << fmt::format("Nothing found in stack: {}\n", options.stack);
    return k_exit_ok;
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.name, a.desired) < std::tie(b.name, b.desired);
  });
  std::vector<Row> table = {
      {"ID", "NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE", "ERROR"}};
  table.insert(table.end(), rows.begin(), rows.end());
  size_t widths[6] = {};
  for (const Row& row : table) {
    const std::string* cells[6] = {&row.id,   &row.name,    &row.image,
                                   &row.node, &row.desired, &row.current};
    for (size_t i = 0; i < 6; ++i) {
      widths[i] = std::max(widths[i], cells[i]->size());
    }
  }
  for (const Row& row : table) {
    std::cout << fmt::format("{:<{}}   {:<{}}   {:<{}}   {:<{}}   {:<{}}   {:<{}}   {}\n", row.id,
                             widths[0], row.name, widths[1], row.image, widths[2], row.node,
                             widths[3], row.desired, widths[4], row.current, widths[5], row.error);
  }
  return k_exit_ok;
}

}  // namespace stackc
