#include "backends/swarm/rollback.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace stackc::swarm {

namespace {

using json = nlohmann::json;

struct StackService {
  std::string key;  // the compose name
  std::string name;
  bool has_previous = false;
  bool rolling_back = false;  // UpdateStatus.State rollback_*
};

std::string text_at(const json& object, const char* pointer) {
  json::json_pointer at(pointer);
  return object.contains(at) && object[at].is_string() ? object[at].get<std::string>() : "";
}

}  // namespace

std::vector<std::string> rollback_order(std::vector<std::string> keys,
                                        const std::vector<std::vector<std::string>>& waves) {
  std::map<std::string, size_t> wave_of;
  for (size_t i = 0; i < waves.size(); ++i) {
    for (const std::string& key : waves[i]) {
      wave_of[key] = i + 1;
    }
  }
  // Later waves first; unlisted names (wave 0) before all of them.
  auto rank = [&](const std::string& key) {
    auto it = wave_of.find(key);
    return it == wave_of.end() ? 0 : waves.size() + 1 - it->second;
  };
  std::sort(keys.begin(), keys.end(), [&](const std::string& a, const std::string& b) {
    return std::pair(rank(a), a) < std::pair(rank(b), b);
  });
  return keys;
}

tl::expected<StackRollbackResult, StackRollbackError> rollback_stack(
    Engine& engine, std::string_view stack, const StackRollbackOptions& options,
    const StackRollbackHooks& hooks) {
  auto listed = engine.list_services(namespace_filter(stack));
  if (!listed) {
    return tl::unexpected(
        StackRollbackError{StackRollbackError::Kind::engine, listed.error().describe(), {}});
  }
  std::string prefix = std::string(stack) + "_";
  std::map<std::string, StackService> by_key;
  for (const json& service : *listed) {
    StackService one;
    one.name = text_at(service, "/Spec/Name");
    one.key = one.name.rfind(prefix, 0) == 0 ? one.name.substr(prefix.size()) : one.name;
    one.has_previous = service.contains("PreviousSpec") && service["PreviousSpec"].is_object();
    one.rolling_back = text_at(service, "/UpdateStatus/State").rfind("rollback_", 0) == 0;
    by_key[one.key] = one;
  }
  if (by_key.empty()) {
    return tl::unexpected(StackRollbackError{
        StackRollbackError::Kind::not_found, fmt::format("nothing found in stack: {}", stack), {}});
  }

  // The services asked for, as compose names.
  std::set<std::string> chosen;
  for (const std::string& wanted : options.services) {
    std::string key = wanted.rfind(prefix, 0) == 0 && !by_key.count(wanted)
                          ? wanted.substr(prefix.size())
                          : wanted;
    if (!by_key.count(key)) {
      StackRollbackError unknown{StackRollbackError::Kind::unknown_service,
                                 fmt::format("stack {} has no service {}", stack, wanted),
                                 {}};
      for (const auto& [name, _] : by_key) {
        unknown.services.push_back(name);
      }
      return tl::unexpected(std::move(unknown));
    }
    chosen.insert(key);
  }
  std::vector<std::string> keys;
  for (const auto& [key, _] : by_key) {
    if (chosen.empty() || chosen.count(key)) {
      keys.push_back(key);
    }
  }

  StackRollbackResult result;
  std::vector<WatchedService> to_roll;
  std::vector<ServiceRollback> left_alone;
  for (const std::string& key : rollback_order(std::move(keys), options.waves)) {
    const StackService& service = by_key[key];
    if (!service.has_previous) {
      left_alone.push_back({service.name, RollbackStep::no_previous_spec});
      continue;
    }
    result.services.push_back(
        {service.name, service.rolling_back ? RollbackStep::already : RollbackStep::asked});
    to_roll.push_back({service.name, /*created=*/false});
  }
  result.services.insert(result.services.end(), left_alone.begin(), left_alone.end());
  if (to_roll.empty()) {
    return result;
  }

  if (hooks.lock != nullptr) {
    if (auto held = hooks.lock->acquire(std::string(stack)); !held) {
      return tl::unexpected(StackRollbackError{StackRollbackError::Kind::lock, held.error(), {}});
    }
  }
  WaitOptions wait = options.wait_options;
  wait.keep_going = [&hooks] {
    if (hooks.cancel != nullptr && hooks.cancel->cancelled()) {
      return false;
    }
    return hooks.lock == nullptr || hooks.lock->renew();
  };
  result.rollback = roll_back_services(engine, to_roll, wait, hooks.progress, options.wait);
  if (hooks.lock != nullptr) {
    hooks.lock->release();
  }
  return result;
}

}  // namespace stackc::swarm
