#include "backends/swarm/wait.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "compiler/units.h"

namespace stackc::swarm {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string_view to_string(ServiceState state) {
  switch (state) {
    case ServiceState::converging:
      return "converging";
    case ServiceState::verifying:
      return "verifying";
    case ServiceState::converged:
      return "converged";
    case ServiceState::rolling_back:
      return "rolling back";
    case ServiceState::rolled_back:
      return "rolled back";
    case ServiceState::removed:
      return "removed";
    case ServiceState::failed:
      return "failed";
  }
  return "";
}

std::string_view to_string(WaitOutcome outcome) {
  switch (outcome) {
    case WaitOutcome::converged:
      return "converged";
    case WaitOutcome::rolled_back:
      return "rolled back";
    case WaitOutcome::failed:
      return "failed";
    case WaitOutcome::timed_out:
      return "timed out";
    case WaitOutcome::cancelled:
      return "cancelled";
    case WaitOutcome::error:
      return "error";
  }
  return "";
}

namespace {

// The task states in the order the reference numbers them; 0 for anything else (remove,
// orphaned), which the reference skips.
int state_number(std::string_view state) {
  static const std::map<std::string_view, int> k_states = {
      {"new", 1},       {"allocated", 2}, {"pending", 3},   {"assigned", 4}, {"accepted", 5},
      {"preparing", 6}, {"ready", 7},     {"starting", 8},  {"running", 9},  {"complete", 10},
      {"shutdown", 11}, {"failed", 12},   {"rejected", 13},
  };
  auto it = k_states.find(state);
  return it == k_states.end() ? 0 : it->second;
}

constexpr int k_running = 9;

std::string text_at(const json& object, const char* pointer) {
  json::json_pointer at(pointer);
  if (!object.contains(at) || !object[at].is_string()) {
    return {};
  }
  return object[at].get<std::string>();
}

// A string member, or "" when absent or of another type (json::value would throw then).
std::string member(const json& object, const char* key) {
  if (!object.is_object()) {
    return {};
  }
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

}  // namespace

std::string sortable_timestamp(std::string_view timestamp) {
  std::string text(timestamp);
  auto t = text.find('T');
  if (t == std::string::npos) {
    return text;
  }
  // Seconds end where the fraction or the zone starts.
  size_t end = text.find_first_of(".Z+-", t);
  if (end == std::string::npos) {
    return text;
  }
  size_t digits_end = end;
  if (text[end] == '.') {
    digits_end = text.find_first_not_of("0123456789", end + 1);
    if (digits_end == std::string::npos) {
      digits_end = text.size();
    }
  } else {
    text.insert(end, ".");
    digits_end = end + 1;
  }
  size_t fraction = digits_end - (text.find('.', t) + 1);
  if (fraction < 9) {
    text.insert(digits_end, 9 - fraction, '0');
  }
  return text;
}

TaskCount count_tasks(const json& service, const json& tasks,
                      const std::set<std::string>& active_nodes) {
  TaskCount count;
  json::json_pointer mode_at("/Spec/Mode");
  if (!service.contains(mode_at) || !service[mode_at].is_object()) {
    return count;
  }
  const json& mode = service[mode_at];
  std::uint64_t replicas = 0;
  if (mode.contains("Global")) {
    count.global = true;
  } else if (auto replicated = mode.find("Replicated"); replicated != mode.end()) {
    replicas = 1;  // swarmkit's default when the spec leaves it out
    if (replicated->is_object()) {
      if (auto it = replicated->find("Replicas"); it != replicated->end() && it->is_number()) {
        replicas = it->get<std::uint64_t>();
      }
    }
  } else {
    return count;  // jobs
  }
  if (!tasks.is_array()) {
    count.desired = replicas;
    return count;
  }
  // One task per slot (replicated) or node (global): the lowest desired state wins, then the
  // lowest observed state (restarts and start-first updates leave two).
  std::map<std::string, const json*> chosen;
  for (const json& task : tasks) {
    if (!task.is_object()) {
      continue;
    }
    int desired = state_number(member(task, "DesiredState"));
    int observed = state_number(text_at(task, "/Status/State"));
    if (desired == 0 || observed == 0) {
      continue;
    }
    std::string node = member(task, "NodeID");
    std::string key;
    if (count.global) {
      key = node;
    } else {
      key = task.contains("Slot") && task["Slot"].is_number()
                ? std::to_string(task["Slot"].get<std::int64_t>())
                : member(task, "ID");
    }
    if (auto existing = chosen.find(key); existing != chosen.end()) {
      int old_desired = state_number(member(*existing->second, "DesiredState"));
      int old_observed = state_number(text_at(*existing->second, "/Status/State"));
      if (old_desired < desired || (old_desired == desired && old_observed <= observed)) {
        continue;
      }
    }
    if (!count.global && !node.empty() && !active_nodes.count(node)) {
      continue;
    }
    chosen[key] = &task;
  }
  for (const auto& [key, task] : chosen) {
    std::string node = member(*task, "NodeID");
    if (count.global && !active_nodes.count(node)) {
      continue;
    }
    int desired = state_number(member(*task, "DesiredState"));
    if (desired <= k_running && text_at(*task, "/Status/State") == "running") {
      ++count.running;
    }
    if (count.task_error.empty()) {
      count.task_error = one_line(text_at(*task, "/Status/Err"));
    }
  }
  count.desired = count.global ? chosen.size() : replicas;
  return count;
}

namespace {

// What is known of one watched service between rounds.
struct Watch {
  WatchedService target;
  std::string id;
  ServiceReport report;
  bool done = false;
  bool expect_rollback = false;  // roll_back_services asked the engine to roll it back
  bool observed = false;
  bool in_rollback = false;  // UpdateStatus says rollback_*: failures and verification restart
  std::optional<Clock::time_point> converged_at;
  std::set<std::string> baseline;  // failed tasks already there at the first look
  std::set<std::string> failures;  // failed tasks seen since, in the current phase
};

std::chrono::milliseconds monitor_of(const json& service, const WaitOptions& options) {
  json::json_pointer at("/Spec/UpdateConfig/Monitor");
  if (service.contains(at) && service[at].is_number_integer() &&
      service[at].get<std::int64_t>() > 0) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::nanoseconds(service[at].get<std::int64_t>()));
  }
  return options.default_monitor;
}

std::string monitor_text(std::chrono::milliseconds monitor) {
  return format_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(monitor).count());
}

// Reads one observation into the watch: sets the report's state, line and reason.
void observe(Watch& watch, const json& service, const json& tasks,
             const std::set<std::string>& active_nodes, Clock::time_point now,
             const WaitOptions& options) {
  ServiceReport& report = watch.report;
  std::string update_state = text_at(service, "/UpdateStatus/State");
  std::string update_message = one_line(text_at(service, "/UpdateStatus/Message"));
  bool rollback_phase = update_state.rfind("rollback_", 0) == 0;
  if (rollback_phase != watch.in_rollback) {
    watch.in_rollback = rollback_phase;
    watch.failures.clear();
    watch.converged_at.reset();
  }
  TaskCount count = count_tasks(service, tasks, active_nodes);
  report.running = count.running;
  report.desired = count.desired;
  report.update_state = update_state;

  // Failed tasks of the current spec, and the newest error the engine gave.
  std::string newest_time;
  std::string newest_error;
  if (tasks.is_array()) {
    for (const json& task : tasks) {
      if (!task.is_object()) {
        continue;
      }
      std::string state = text_at(task, "/Status/State");
      std::string id = member(task, "ID");
      if (state == "failed" || state == "rejected") {
        if (!watch.observed && !watch.target.created) {
          watch.baseline.insert(id);  // the failures of an earlier deploy are not ours
        } else if (!watch.baseline.count(id)) {
          watch.failures.insert(id);
        }
      }
      std::string error = text_at(task, "/Status/Err");
      std::string time = sortable_timestamp(text_at(task, "/Status/Timestamp"));
      if (!error.empty() && !watch.baseline.count(id) && time >= newest_time) {
        newest_time = time;
        newest_error = one_line(error);
      }
    }
  }
  watch.observed = true;
  report.task_error = newest_error.empty() ? count.task_error : newest_error;

  bool converged_now = count.running == count.desired;
  auto counts = fmt::format("{}/{} running", count.running, count.desired);
  auto fail = [&](std::string reason) {
    report.state = ServiceState::failed;
    report.reason = std::move(reason);
    report.line = "failed: " + report.reason;
    watch.done = true;
  };
  if (update_state == "paused") {
    fail("service update paused: " + update_message);
    return;
  }
  if (update_state == "rollback_paused") {
    fail("service rollback paused: " + update_message);
    return;
  }
  if (!converged_now && watch.failures.size() >= static_cast<size_t>(options.max_task_failures)) {
    fail(fmt::format("{} tasks failed ({}), last error: {}", watch.failures.size(), counts,
                     report.task_error.empty() ? "none given" : report.task_error));
    return;
  }
  if (converged_now) {
    if (!watch.converged_at) {
      watch.converged_at = now;
    }
  } else {
    watch.converged_at.reset();
  }
  std::chrono::milliseconds monitor = monitor_of(service, options);
  bool stable = watch.converged_at && now - *watch.converged_at >= monitor;
  std::string detail = converged_now || report.task_error.empty() ? "" : "; " + report.task_error;
  if (rollback_phase || watch.expect_rollback) {
    bool settled = stable && (update_state == "rollback_completed" ||
                              (watch.expect_rollback && update_state.empty()));
    if (settled) {
      report.state = ServiceState::rolled_back;
      report.line = "rolled back";
      watch.done = true;
      return;
    }
    report.state = ServiceState::rolling_back;
    std::string why = update_message.empty() ? "" : " (" + update_message + ")";
    report.line = fmt::format("rolling back{}: {}{}", why, counts, detail);
    return;
  }
  if (stable && update_state != "updating") {
    report.state = ServiceState::converged;
    report.line = "converged";
    watch.done = true;
    return;
  }
  if (converged_now) {
    report.state = ServiceState::verifying;
    report.line = fmt::format("{}, checking they stay up for {}", counts, monitor_text(monitor));
    return;
  }
  report.state = ServiceState::converging;
  // The engine's update state ("updating") tells a rollout in progress from tasks that wait.
  report.line = counts + (update_state.empty() ? "" : ", update " + update_state) + detail;
}

void say(Watch& watch, std::string line, const ProgressReport& report) {
  watch.report.line = std::move(line);
  if (report) {
    report(watch.report);
  }
}

WaitResult finish(std::vector<Watch>& watches, WaitOutcome outcome,
                  std::optional<EngineError> error = std::nullopt) {
  WaitResult result;
  result.outcome = outcome;
  result.error = std::move(error);
  for (Watch& watch : watches) {
    if (watch.report.line.empty()) {
      watch.report.line = "not looked at yet";
    }
    result.services.push_back(watch.report);
  }
  return result;
}

// One polling round over the watches not done yet. It asks the engine the same three things
// however many services are watched (the nodes, read by the caller; the services, in one list
// by ID; their up-to-date tasks, in one list), where asking service by service, as docker's
// --detach=false does, grows with the stack: 1000 services made 2000 requests a round. A
// service is inspected by name only in the round that first looks it up. Returns false when
// the engine failed; a failed service ends the round.
bool poll_round(Engine& engine, std::vector<Watch>& watches, const std::set<std::string>& active,
                const WaitOptions& options, const ProgressReport& report,
                std::optional<EngineError>& last_error) {
  std::map<std::string, json> services;  // by ID
  std::vector<std::string> listed;
  for (Watch& watch : watches) {
    if (watch.done) {
      continue;
    }
    if (!watch.id.empty()) {
      listed.push_back(watch.id);
      continue;
    }
    auto service = engine.inspect_service(watch.target.name);
    if (!service && service.error().kind == EngineErrorKind::not_found) {
      watch.report.state = ServiceState::failed;
      watch.report.reason = "the service was removed while waiting";
      watch.done = true;
      say(watch, "failed: " + watch.report.reason, report);
      return true;
    }
    if (!service) {
      last_error = service.error();
      return false;
    }
    watch.id = member(*service, "ID");
    services[watch.id] = std::move(*service);
  }
  std::vector<std::string> ids = listed;
  for (const auto& [id, service] : services) {
    ids.push_back(id);
  }
  if (ids.empty()) {
    return true;
  }
  if (!listed.empty()) {
    auto list = engine.list_services(Filters{{"id", listed}});
    if (!list) {
      last_error = list.error();
      return false;
    }
    for (json& service : *list) {
      std::string id = member(service, "ID");
      if (std::find(listed.begin(), listed.end(), id) != listed.end()) {
        services[id] = std::move(service);
      }
    }
  }
  auto tasks = engine.list_tasks(Filters{{"service", ids}, {"_up-to-date", {"true"}}});
  if (!tasks) {
    last_error = tasks.error();
    return false;
  }
  std::map<std::string, json> tasks_of;
  for (const std::string& id : ids) {
    tasks_of[id] = json::array();
  }
  for (json& task : *tasks) {
    if (auto it = tasks_of.find(member(task, "ServiceID")); it != tasks_of.end()) {
      it->second.push_back(std::move(task));
    }
  }
  for (Watch& watch : watches) {
    if (watch.done) {
      continue;
    }
    auto service = services.find(watch.id);
    if (service == services.end()) {
      watch.report.state = ServiceState::failed;
      watch.report.reason = "the service was removed while waiting";
      watch.done = true;
      say(watch, "failed: " + watch.report.reason, report);
      return true;
    }
    std::string before = watch.report.line;
    observe(watch, service->second, tasks_of[watch.id], active, Clock::now(), options);
    if (watch.report.line != before) {
      say(watch, watch.report.line, report);
    }
    if (watch.report.state == ServiceState::failed) {
      return true;
    }
  }
  return true;
}

// The polling loop shared by waiting and rolling back.
WaitResult watch_until_settled(Engine& engine, std::vector<Watch>& watches,
                               const WaitOptions& options, const ProgressReport& report) {
  auto deadline = Clock::now() + options.timeout;
  int errors_in_a_row = 0;
  std::optional<EngineError> last_error;
  for (;;) {
    if (options.keep_going && !options.keep_going()) {
      return finish(watches, WaitOutcome::cancelled);
    }
    bool all_done = true;
    bool round_failed = false;
    for (const Watch& watch : watches) {
      all_done = all_done && watch.done;
    }
    if (!all_done) {
      auto nodes = engine.list_nodes();
      std::set<std::string> active;
      if (!nodes) {
        round_failed = true;
        last_error = nodes.error();
      } else {
        for (const json& node : *nodes) {
          if (node.is_object() && text_at(node, "/Status/State") != "down") {
            active.insert(member(node, "ID"));
          }
        }
      }
      if (!round_failed) {
        round_failed = !poll_round(engine, watches, active, options, report, last_error);
      }
      for (const Watch& watch : watches) {
        if (watch.report.state == ServiceState::failed) {
          return finish(watches, WaitOutcome::failed);  // the first failure decides
        }
      }
    }
    if (round_failed) {
      if (++errors_in_a_row >= std::max(options.max_engine_errors, 1)) {
        return finish(watches, WaitOutcome::error, last_error);
      }
    } else {
      errors_in_a_row = 0;
      bool settled = std::all_of(watches.begin(), watches.end(),
                                 [](const Watch& watch) { return watch.done; });
      if (settled) {
        bool rolled_back = std::any_of(watches.begin(), watches.end(), [](const Watch& watch) {
          return watch.report.state == ServiceState::rolled_back;
        });
        return finish(watches, rolled_back ? WaitOutcome::rolled_back : WaitOutcome::converged);
      }
    }
    auto now = Clock::now();
    if (now >= deadline) {
      return finish(watches, WaitOutcome::timed_out);
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(options.interval, deadline - now));
  }
}

}  // namespace

WaitResult wait_for_services(Engine& engine, const std::vector<WatchedService>& services,
                             const WaitOptions& options, const ProgressReport& report) {
  std::vector<Watch> watches;
  for (const WatchedService& service : services) {
    Watch watch;
    watch.target = service;
    watch.report.name = service.name;
    watches.push_back(std::move(watch));
  }
  return watch_until_settled(engine, watches, options, report);
}

WaitResult roll_back_services(Engine& engine, const std::vector<WatchedService>& services,
                              const WaitOptions& options, const ProgressReport& report,
                              bool watch_them) {
  constexpr int k_attempts = 5;  // out-of-sequence retries: someone else wrote the service
  std::vector<Watch> watches;
  std::vector<Watch> settled;  // removed, or refused
  std::optional<EngineError> refused;
  for (const WatchedService& service : services) {
    Watch watch;
    watch.target = service;
    watch.report.name = service.name;
    if (service.created) {
      auto removed = engine.remove_service(service.name);
      if (removed || removed.error().kind == EngineErrorKind::not_found) {
        watch.report.state = ServiceState::removed;
        say(watch, "removed (this deploy created it)", report);
      } else {
        watch.report.state = ServiceState::failed;
        watch.report.reason = "cannot remove it: " + removed.error().describe();
        say(watch, "failed: " + watch.report.reason, report);
        refused = removed.error();
      }
      watch.done = true;
      settled.push_back(std::move(watch));
      continue;
    }
    std::optional<EngineError> error;
    bool already = false;
    for (int attempt = 1; attempt <= k_attempts; ++attempt) {
      auto inspected = engine.inspect_service(service.name);
      if (!inspected) {
        error = inspected.error();
        break;
      }
      watch.id = member(*inspected, "ID");
      std::string state = text_at(*inspected, "/UpdateStatus/State");
      if (state.rfind("rollback_", 0) == 0) {
        // The engine is rolling it back already; asking again would roll forward.
        error.reset();
        already = true;
        break;
      }
      json::json_pointer index_at("/Version/Index");
      std::uint64_t version = inspected->contains(index_at) && (*inspected)[index_at].is_number()
                                  ? (*inspected)[index_at].get<std::uint64_t>()
                                  : 0;
      json spec = inspected->contains("Spec") ? (*inspected)["Spec"] : json::object();
      auto rolled =
          engine.rollback_service(watch.id.empty() ? service.name : watch.id, version, spec);
      if (rolled) {
        error.reset();
        break;
      }
      error = rolled.error();
      if (!rolled.error().retryable()) {
        break;
      }
    }
    if (error) {
      watch.report.state = ServiceState::failed;
      watch.report.reason = "the engine refused the rollback: " + error->describe();
      say(watch, "failed: " + watch.report.reason, report);
      watch.done = true;
      refused = *error;
      settled.push_back(std::move(watch));
      continue;
    }
    watch.expect_rollback = true;
    watch.report.state = ServiceState::rolling_back;
    say(watch, already ? "rolling back (already; not asked again)" : "rolling back", report);
    (watch_them ? watches : settled).push_back(std::move(watch));
  }
  WaitResult result;
  if (!watches.empty()) {
    result = watch_until_settled(engine, watches, options, report);
  }
  if (result.outcome == WaitOutcome::converged) {
    result.outcome = WaitOutcome::rolled_back;
  }
  if (refused && result.outcome == WaitOutcome::rolled_back) {
    result.outcome = WaitOutcome::failed;
    result.error = refused;
  }
  // Back in the caller's order.
  std::vector<ServiceReport> ordered;
  for (const WatchedService& service : services) {
    auto same = [&](const ServiceReport& one) { return one.name == service.name; };
    if (auto it = std::find_if(result.services.begin(), result.services.end(), same);
        it != result.services.end()) {
      ordered.push_back(*it);
    }
    for (const Watch& watch : settled) {
      if (same(watch.report)) {
        ordered.push_back(watch.report);
      }
    }
  }
  result.services = std::move(ordered);
  return result;
}

}  // namespace stackc::swarm
