// stackc schedule: where a deploy of the stack would put every task, what stays pending and
// why, single points of failure, how each changed service rolls out, and what --drain/--down
// would do. The model is backends/swarm/schedule.h; this file reads the swarm (or a nodes
// file) and prints. `--export-nodes` writes the nodes file from the live swarm.

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "backends/swarm/schedule.h"
#include "backends/swarm/schedule_input.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/front_end.h"
#include "compiler/units.h"

namespace stackc {

namespace sched = swarm::sched;

namespace {

void error_line(const std::string& message) { std::cerr << "stackc: error: " << message << "\n"; }

using Json = nlohmann::ordered_json;

}  // namespace

std::optional<sched::Cluster> read_live_cluster(swarm::Engine& engine) {
  auto nodes = engine.list_nodes();
  auto services = nodes ? engine.list_services() : nodes;
  auto tasks = services ? engine.list_tasks() : services;
  if (!tasks) {
    error_line(tasks.error().describe());
    return std::nullopt;
  }
  return sched::cluster_from_engine(*nodes, *services, *tasks);
}

namespace {

std::string duration(std::int64_t ns) { return format_duration(ns); }

std::string plural(std::uint64_t count, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

// Node × service table; a cell reads "2", or "1→2" when the deploy moves tasks.
void print_table(std::ostream& out, const sched::Prediction& p,
                 const std::vector<const sched::ServiceOutcome*>& services,
                 const std::map<std::string, std::map<std::string, std::uint64_t>>* after) {
  std::vector<sched::Node> nodes = p.nodes;
  std::sort(nodes.begin(), nodes.end(),
            [](const sched::Node& a, const sched::Node& b) { return a.hostname < b.hostname; });
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head = {"SERVICE", "MODE", "CHANGE", "TASKS"};
  for (const sched::Node& node : nodes) {
    head.push_back(node.hostname);
  }
  rows.push_back(head);
  for (const sched::ServiceOutcome* s : services) {
    const auto& tasks = after ? after->at(s->name) : s->tasks;
    std::uint64_t placed = 0;
    for (const auto& [id, n] : tasks) {
      placed += n;
    }
    std::vector<std::string> row = {s->name, std::string(sched::to_string(s->mode)),
                                    std::string(sched::to_string(s->change)),
                                    fmt::format("{}/{}", placed, s->desired)};
    for (const sched::Node& node : nodes) {
      auto count = [&](const std::map<std::string, std::uint64_t>& m) {
        auto it = m.find(node.id);
        return it == m.end() ? std::uint64_t{0} : it->second;
      };
      std::uint64_t now = after ? count(s->tasks) : count(s->now);
      std::uint64_t then = count(tasks);
      bool existed = after || s->change != sched::Change::create;
      if (existed && now != then) {
        row.push_back(fmt::format("{}→{}", now, then));
      } else {
        row.push_back(then == 0 ? "-" : std::to_string(then));
      }
    }
    rows.push_back(std::move(row));
  }
  std::vector<size_t> widths(head.size(), 0);
  auto width = [](const std::string& cell) {
    size_t n = 0;
    for (unsigned char c : cell) {
      n += (c & 0xC0) != 0x80 ? 1 : 0;  // count code points, not bytes
    }
    return n;
  };
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], width(row[i]));
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      std::string pad(widths[i] - width(row[i]), ' ');
      line += i < 4 ? row[i] + pad : pad + row[i];
      line += i + 1 < row.size() ? "  " : "";
    }
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    out << "  " << line << "\n";
  }
}

std::string strategy_line(sched::Strategy strategy) {
  switch (strategy) {
    case sched::Strategy::spread:
      return "spread (what swarm mode does)";
    case sched::Strategy::binpack:
      return "binpack (classic standalone Swarm; a what-if: swarm mode always spreads)";
    case sched::Strategy::random:
      return "random (classic standalone Swarm; a what-if: swarm mode always spreads)";
  }
  return "";
}

void print_rollout(std::ostream& out, const std::string& name, const sched::Rollout& r) {
  out << fmt::format("  {}: {} of {} in {} of {}, {}, delay {}, monitor {}\n", name, r.kind,
                     plural(r.tasks, "task", "tasks"), plural(r.batches, "batch", "batches"),
                     r.parallelism, r.order, duration(r.delay_ns), duration(r.monitor_ns));
  std::vector<std::string> starts;
  for (std::int64_t start : r.batch_starts_ns) {
    starts.push_back(duration(start));
  }
  out << fmt::format(
      "    batches start at {} (each also waits for its tasks to start); "
      "done after {} + {} × the time a task takes to start\n",
      fmt::join(starts, ", "), duration(r.duration_ns), r.batches);
  if (r.min_running == 0) {
    out << fmt::format(
        "    0 of {} running during the update: an outage (stop-first with "
        "parallelism >= replicas)\n",
        r.tasks);
  } else {
    out << fmt::format("    at least {} of {} running during the update\n", r.min_running, r.tasks);
  }
  if (r.extra_tasks > 0) {
    if (r.extra_capacity_problem.empty()) {
      out << fmt::format("    start-first runs up to {} beside the old ones: there is room\n",
                         plural(r.extra_tasks, "extra task", "extra tasks"));
    } else {
      out << fmt::format(
          "    start-first needs room for {} beside the old ones, and there is "
          "none: {}; the update waits for it\n",
          plural(r.extra_tasks, "extra task", "extra tasks"), r.extra_capacity_problem);
    }
  }
}

void print_text(std::ostream& out, const std::string& stack, const sched::Prediction& p) {
  out << fmt::format("stack {} on {}, strategy {}\n\n", stack,
                     plural(p.nodes.size(), "node", "nodes"), strategy_line(p.strategy));
  std::vector<const sched::ServiceOutcome*> all;
  for (const sched::ServiceOutcome& s : p.services) {
    all.push_back(&s);
  }
  print_table(out, p, all, nullptr);
  bool any = false;
  for (const sched::ServiceOutcome& s : p.services) {
    bool told = false;
    for (const sched::Pending& pending : s.pending) {
      out << (any ? "" : "\npending\n")
          << fmt::format("  {}: {}: {}\n", s.name, plural(pending.count, "task", "tasks"),
                         pending.reason);
      any = true;
      if (s.never_placeable > 0 && pending.reason == s.never_reason) {
        bool one = s.never_placeable == 1 && pending.count == 1;
        std::string which = one ? "it"
                            : s.never_placeable == pending.count
                                ? "all of them"
                                : fmt::format("{} of them", s.never_placeable);
        out << fmt::format(
            "    {} can never run: no node of this swarm can take {}; deploy "
            "refuses {} (--allow-pending)\n",
            which, one ? "it" : "them", one ? "it" : "them");
        told = true;
      }
    }
    if (s.never_placeable > 0 && !told) {
      out << (any ? "" : "\npending\n")
          << fmt::format(
                 "  {}: {} no node of this swarm can ever take: {}; deploy refuses them "
                 "(--allow-pending)\n",
                 s.name, plural(s.never_placeable, "task", "tasks"), s.never_reason);
      any = true;
    }
  }
  any = false;
  for (const sched::ServiceOutcome& s : p.services) {
    for (const std::string& spof : s.spofs) {
      out << (any ? "" : "\nsingle points of failure\n") << fmt::format("  {}: {}\n", s.name, spof);
      any = true;
    }
  }
  any = false;
  for (const sched::ServiceOutcome& s : p.services) {
    if (s.rollout) {
      out << (any ? "" : "\nrollout\n");
      print_rollout(out, s.name, *s.rollout);
      any = true;
    }
  }
  for (const sched::WhatIf& w : p.what_ifs) {
    std::string host = p.hostname(w.node_id);
    out << fmt::format("\nwhat if {} {}\n", host, w.kind == "drain" ? "is drained" : "goes down");
    if (w.services.empty()) {
      out << "  no task of the stack runs there\n";
    }
    for (const sched::WhatIf::Moved& m : w.services) {
      std::vector<std::string> to;
      for (const auto& [id, n] : m.to) {
        to.push_back(fmt::format("{} to {}", n, p.hostname(id)));
      }
      if (!to.empty()) {
        out << fmt::format("  {}: moves {}\n", m.service, fmt::join(to, ", "));
      }
      for (const sched::Pending& pending : m.pending) {
        out << fmt::format("  {}: {} cannot be placed: {}\n", m.service,
                           plural(pending.count, "task", "tasks"), pending.reason);
      }
      if (m.lost_global > 0) {
        out << fmt::format("  {}: its global task there stops and is not replaced\n", m.service);
      }
    }
    out << fmt::format(
        "  note: when {} is {}, nothing moves back; it gets tasks again "
        "only when a service is scaled or updated\n",
        host, w.kind == "drain" ? "set back to active" : "back up");
  }
  if (!p.what_ifs.empty()) {
    out << "\nafter the what-ifs\n";
    print_table(out, p, all, &p.after_what_ifs);
    for (const auto& [name, pending] : p.pending_after_what_ifs) {
      out << fmt::format("  {}: {} pending: {}\n", name, plural(pending.count, "task", "tasks"),
                         pending.reason);
    }
  }
}

Json by_host(const std::map<std::string, std::string>& hostnames,
             const std::map<std::string, std::uint64_t>& tasks) {
  Json out = Json::object();
  for (const auto& [id, n] : tasks) {
    auto it = hostnames.find(id);
    out[it == hostnames.end() ? id : it->second] = n;
  }
  return out;
}

Json pending_json(const std::vector<sched::Pending>& pending) {
  Json out = Json::array();
  for (const sched::Pending& entry : pending) {
    out.push_back({{"count", entry.count}, {"reason", entry.reason}});
  }
  return out;
}

void print_json(std::ostream& out, const std::string& stack, const sched::Prediction& p) {
  std::map<std::string, std::string> hostnames;
  for (const sched::Node& node : p.nodes) {
    hostnames[node.id] = node.hostname;
  }
  Json root = Json::object();
  root["version"] = 1;
  root["stack"] = stack;
  root["strategy"] = std::string(sched::to_string(p.strategy));
  root["what_if_strategy"] = p.strategy != sched::Strategy::spread;
  Json nodes = Json::array();
  for (const sched::Node& node : p.nodes) {
    nodes.push_back({{"id", node.id},
                     {"hostname", node.hostname},
                     {"role", node.role},
                     {"availability", node.availability},
                     {"state", node.state}});
  }
  root["nodes"] = std::move(nodes);
  Json services = Json::array();
  for (const sched::ServiceOutcome& s : p.services) {
    Json item = Json::object();
    item["name"] = s.name;
    item["mode"] = std::string(sched::to_string(s.mode));
    item["change"] = std::string(sched::to_string(s.change));
    item["desired"] = s.desired;
    item["now"] = by_host(hostnames, s.now);
    item["tasks"] = by_host(hostnames, s.tasks);
    item["pending"] = pending_json(s.pending);
    item["never_placeable"] =
        s.never_placeable == 0 ? Json(nullptr)
                               : Json({{"count", s.never_placeable}, {"reason", s.never_reason}});
    item["spofs"] = s.spofs;
    if (s.rollout) {
      const sched::Rollout& r = *s.rollout;
      item["rollout"] = {
          {"kind", r.kind},
          {"tasks", r.tasks},
          {"parallelism", r.parallelism},
          {"batches", r.batches},
          {"order", r.order},
          {"delay_seconds", static_cast<double>(r.delay_ns) / 1e9},
          {"monitor_seconds", static_cast<double>(r.monitor_ns) / 1e9},
          {"batch_starts_seconds", Json::array()},
          {"duration_seconds", static_cast<double>(r.duration_ns) / 1e9},
          {"min_running", r.min_running},
          {"extra_tasks", r.extra_tasks},
          {"extra_capacity_problem",
           r.extra_capacity_problem.empty() ? Json(nullptr) : Json(r.extra_capacity_problem)}};
      for (std::int64_t start : r.batch_starts_ns) {
        item["rollout"]["batch_starts_seconds"].push_back(static_cast<double>(start) / 1e9);
      }
    } else {
      item["rollout"] = nullptr;
    }
    services.push_back(std::move(item));
  }
  root["services"] = std::move(services);
  Json what_ifs = Json::array();
  for (const sched::WhatIf& w : p.what_ifs) {
    Json moved = Json::array();
    for (const sched::WhatIf::Moved& m : w.services) {
      moved.push_back({{"name", m.service},
                       {"moved_to", by_host(hostnames, m.to)},
                       {"pending", pending_json(m.pending)},
                       {"global_tasks_stopped", m.lost_global}});
    }
    what_ifs.push_back(
        {{"node", p.hostname(w.node_id)}, {"kind", w.kind}, {"services", std::move(moved)}});
  }
  root["what_ifs"] = std::move(what_ifs);
  Json after = Json::object();
  for (const auto& [name, tasks] : p.after_what_ifs) {
    after[name] = by_host(hostnames, tasks);
  }
  root["after_what_ifs"] = std::move(after);
  Json pending_after = Json::object();
  for (const auto& [name, pending] : p.pending_after_what_ifs) {
    pending_after[name] = pending_json({pending});
  }
  root["pending_after_what_ifs"] = std::move(pending_after);
  out << root.dump(2) << "\n";
}

}  // namespace

int run_schedule(const GlobalOptions& global, const ScheduleOptions& options) {
  sched::Options model;
  if (options.strategy == "spread") {
    model.strategy = sched::Strategy::spread;
  } else if (options.strategy == "binpack") {
    model.strategy = sched::Strategy::binpack;
  } else if (options.strategy == "random") {
    model.strategy = sched::Strategy::random;
  } else {
    error_line(
        fmt::format("invalid --strategy \"{}\" (spread, binpack or random)", options.strategy));
    return k_exit_usage;
  }
  if (options.format != "text" && options.format != "json") {
    error_line(fmt::format("invalid --format \"{}\" (text or json)", options.format));
    return k_exit_usage;
  }
  model.seed = options.seed;
  model.drain = options.drain;
  model.down = options.down;

  if (options.export_nodes) {
    if (!options.files.empty() || !options.stack.empty() || !options.nodes_file.empty()) {
      error_line("--export-nodes takes no stack files, stack or --nodes");
      return k_exit_usage;
    }
    auto connection = connect_manager(options.host);
    if (!connection) {
      return k_exit_usage;
    }
    auto cluster = read_live_cluster(*connection->engine);
    if (!cluster) {
      return k_exit_usage;
    }
    std::cout << sched::cluster_to_file_text(*cluster);
    return k_exit_ok;
  }
  if (options.files.empty() || options.stack.empty()) {
    error_line("schedule needs -c FILE and a STACK name (or --export-nodes)");
    return k_exit_usage;
  }

  sched::Cluster cluster;
  std::vector<sched::ServiceRequest> requests;
  if (!options.nodes_file.empty()) {
    SourceManager sources;
    auto file = sources.load(options.nodes_file);
    if (!file) {
      error_line(file.error());
      return k_exit_usage;
    }
    auto parsed = sched::cluster_from_file_text((*file)->text(), options.nodes_file);
    if (!parsed) {
      error_line(parsed.error());
      return k_exit_usage;
    }
    cluster = std::move(*parsed);
    auto desired = load_desired_stack(global, options.files, options.env_files, options.stack);
    if (!desired) {
      return desired.error();
    }
    requests = sched::requests_offline(*desired, cluster);
  } else {
    PreparedStack prepared;
    if (auto stop = prepare_stack(
            global, {options.files, options.env_files, options.stack, options.host}, prepared)) {
      return *stop;
    }
    swarm::Engine& engine = *prepared.connection->engine;
    swarm::DeployOptions plan_options;
    plan_options.resolve_image = swarm::ResolveImage::never;
    auto planned = swarm::prepare_deploy(engine, std::move(prepared.desired), plan_options);
    if (!planned) {
      return print_deploy_error(planned.error());
    }
    auto live = read_live_cluster(engine);
    if (!live) {
      return k_exit_usage;
    }
    cluster = std::move(*live);
    requests = sched::requests_from_plan(planned->desired, planned->plan);
  }
  sched::Prediction prediction = sched::predict(cluster, requests, model);
  for (const std::string& name : prediction.unknown_nodes) {
    error_line(fmt::format("no node named {} (--drain/--down take a hostname or node ID)", name));
    return k_exit_usage;
  }
  if (options.format == "json") {
    print_json(std::cout, options.stack, prediction);
  } else {
    print_text(std::cout, options.stack, prediction);
  }
  return k_exit_ok;
}

}  // namespace stackc
