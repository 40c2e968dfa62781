#include "backends/swarm/apply.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

namespace stackc::swarm {

using nlohmann::json;

namespace {

json parse(std::string_view text) {
  return json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

// Shared by the workers of one apply; every member is guarded by `mutex`.
struct State {
  std::mutex mutex;
  std::map<std::string, std::string> secret_ids;
  std::map<std::string, std::string> config_ids;
  ApplyResult result;
  std::atomic<bool> failed{false};
  const std::function<void(const ApplyEvent&)>* report = nullptr;
  const ApplyOptions* options = nullptr;

  // Before a write: false once a failure or keep_going stopped the apply.
  bool begin(const PlannedObject& object) {
    std::lock_guard lock(mutex);
    if (failed) {
      return false;
    }
    if (options->keep_going && !options->keep_going()) {
      result.stopped = true;
      failed = true;
      return false;
    }
    if (options->started && object.action != Action::unchanged) {
      options->started(object.kind, object.action, object.name);
    }
    return true;
  }

  void done(const ApplyEvent& event) {
    std::lock_guard lock(mutex);
    result.objects.push_back({event.kind, event.action, event.name});
    (*report)(event);
  }
  void fail(const PlannedObject& object, const EngineError& error) {
    std::lock_guard lock(mutex);
    if (!result.error) {
      result.error = error;
    }
    failed = true;
    (*report)(ApplyEvent{object.kind, object.action, object.name, false, error.describe()});
  }
  void warn(std::string text) {
    std::lock_guard lock(mutex);
    result.warnings.push_back(std::move(text));
  }
};

using Task = std::function<void(Engine&)>;

// Runs the tasks on up to `parallel` workers, each with its own Engine. After a failure no
// further task starts.
void run_tasks(const std::vector<Task>& tasks, int parallel, Engine& engine,
               const EngineFactory& factory, State& state) {
  if (tasks.empty() || state.failed) {
    return;
  }
  size_t workers = std::min<size_t>(tasks.size(), static_cast<size_t>(std::max(parallel, 1)));
  if (workers == 1 || !factory) {
    for (const Task& task : tasks) {
      if (state.failed) {
        return;
      }
      task(engine);
    }
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  for (size_t i = 0; i < workers; ++i) {
    threads.emplace_back([&, i] {
      std::unique_ptr<Engine> own;
      Engine* use = &engine;
      if (i > 0) {
        own = factory();
        if (!own) {
          return;
        }
        use = own.get();
      }
      for (size_t at = next++; at < tasks.size() && !state.failed; at = next++) {
        tasks[at](*use);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
}

void fill_ids(json& spec, State& state) {
  auto task = spec.find("TaskTemplate");
  if (task == spec.end() || !task->is_object()) {
    return;
  }
  auto container = task->find("ContainerSpec");
  if (container == task->end() || !container->is_object()) {
    return;
  }
  std::lock_guard lock(state.mutex);
  auto fill = [&](const char* list, const char* name_key, const char* id_key,
                  const std::map<std::string, std::string>& ids) {
    auto it = container->find(list);
    if (it == container->end() || !it->is_array()) {
      return;
    }
    for (json& reference : *it) {
      if (!reference.is_object() || !reference.contains(name_key) ||
          !reference[name_key].is_string()) {
        continue;
      }
      if (auto id = ids.find(reference[name_key].get<std::string>()); id != ids.end()) {
        reference[id_key] = id->second;
      }
    }
  };
  fill("Secrets", "SecretName", "SecretID", state.secret_ids);
  fill("Configs", "ConfigName", "ConfigID", state.config_ids);
  // convert names the credential spec's config; the engine wants its ID, like the reference
  // client sends.
  if (auto privileges = container->find("Privileges");
      privileges != container->end() && privileges->is_object()) {
    if (auto credential = privileges->find("CredentialSpec");
        credential != privileges->end() && credential->is_object()) {
      auto config = credential->find("Config");
      if (config != credential->end() && config->is_string()) {
        if (auto id = state.config_ids.find(config->get<std::string>());
            id != state.config_ids.end()) {
          *config = id->second;
        }
      }
    }
  }
}

void apply_network(Engine& engine, const PlannedObject& object, State& state) {
  if (object.action != Action::create) {
    state.done({object.kind, object.action, object.name, true, {}});
    return;
  }
  auto created = engine.create_network(parse(object.spec_json));
  if (!created) {
    state.fail(object, created.error());
    return;
  }
  for (const std::string& warning : created->warnings) {
    state.warn(fmt::format("network {}: {}", object.name, warning));
  }
  state.done({object.kind, Action::create, object.name, true, {}});
}

void apply_file_object(Engine& engine, const PlannedObject& object, State& state) {
  bool secret = object.kind == ObjectKind::secret;
  auto remember = [&](const std::string& id) {
    std::lock_guard lock(state.mutex);
    (secret ? state.secret_ids : state.config_ids)[object.name] = id;
  };
  switch (object.action) {
    case Action::create: {
      json spec = parse(object.spec_json);
      auto created = secret ? engine.create_secret(spec) : engine.create_config(spec);
      if (!created) {
        state.fail(object, created.error());
        return;
      }
      remember(created->id);
      state.done({object.kind, Action::create, object.name, true, object.reason});
      return;
    }
    case Action::update: {
      json spec = parse(object.spec_json);
      auto updated = secret ? engine.update_secret(object.id, object.version, spec)
                            : engine.update_config(object.id, object.version, spec);
      if (!updated) {
        state.fail(object, updated.error());
        return;
      }
      remember(object.id);
      state.done({object.kind, Action::update, object.name, true, object.reason});
      return;
    }
    default:
      remember(object.id);
      state.done({object.kind, object.action, object.name, true, {}});
  }
}

RegistryAuth service_auth(const ApplyOptions& options, const PlannedObject& object) {
  if (auto it = options.registry_auth.find(object.image); it != options.registry_auth.end()) {
    return RegistryAuth{it->second};
  }
  return {};
}

void apply_service(Engine& engine, const PlannedObject& object, const ApplyOptions& options,
                   State& state) {
  if (object.action == Action::unchanged) {
    state.done({object.kind, Action::unchanged, object.name, true, {}});
    return;
  }
  json spec = parse(object.spec_json);
  fill_ids(spec, state);
  if (object.action == Action::create) {
    auto created = engine.create_service(spec, service_auth(options, object));
    if (!created) {
      state.fail(object, created.error());
      return;
    }
    for (const std::string& warning : created->warnings) {
      state.warn(fmt::format("service {}: {}", object.name, warning));
    }
    state.done({object.kind, Action::create, object.name, true, {}});
    return;
  }
  std::uint64_t version = object.version;
  int retries = 0;
  for (int attempt = 1;; ++attempt) {
    auto updated = engine.update_service(object.id, version, spec, service_auth(options, object));
    if (updated) {
      for (const std::string& warning : *updated) {
        state.warn(fmt::format("service {}: {}", object.name, warning));
      }
      state.done({object.kind, Action::update, object.name, true,
                  retries ? fmt::format("retried {} time(s) after concurrent updates", retries)
                          : std::string()});
      return;
    }
    if (!updated.error().retryable() || attempt >= options.max_attempts) {
      state.fail(object, updated.error());
      return;
    }
    // Someone else updated the service since we read it: read it again and re-plan.
    ++retries;
    auto inspected = engine.inspect_service(object.id);
    if (!inspected) {
      state.fail(object, inspected.error());
      return;
    }
    auto networks = engine.list_networks();
    if (!networks) {
      state.fail(object, networks.error());
      return;
    }
    NetworkNames names;
    for (const json& network : *networks) {
      names[network.value("Id", "")] = network.value("Name", "");
    }
    LiveObject live = live_object_from(*inspected);
    DesiredService desired;
    desired.key = object.key;
    desired.name = object.name;
    desired.image = object.image;
    desired.reuse_live_image = object.reuse_live_image;
    desired.depends_on = object.depends_on;
    PlannedObject again = plan_service(desired, object.spec_json, &live, names,
                                       engine.api_version().value_or(std::string()));
    if (again.action == Action::unchanged) {
      state.done({object.kind, Action::unchanged, object.name, true,
                  "already up to date after a concurrent update"});
      return;
    }
    spec = parse(again.spec_json);
    fill_ids(spec, state);
    version = again.version;
  }
}

// A task that still holds (or is about to hold) a container and its network attachments.
bool task_is_live(const json& task) {
  static const std::set<std::string> k_terminal = {"complete", "failed",   "shutdown",
                                                   "rejected", "orphaned", "remove"};
  std::string state = task.value("/Status/State"_json_pointer, std::string());
  return !k_terminal.count(state);
}

bool mentions(const EngineError& error, std::string_view text) {
  return error.message.find(text) != std::string::npos;
}

// Networks stay attached to tasks for a moment after their services are removed.
EngineResult<void> remove_network_waiting(Engine& engine, const std::string& id,
                                          std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto removed = engine.remove_network(id);
    if (removed || removed.error().kind == EngineErrorKind::not_found) {
      return {};
    }
    bool busy = mentions(removed.error(), "active endpoints") ||
                removed.error().kind == EngineErrorKind::conflict || removed.error().status == 403;
    if (!busy || std::chrono::steady_clock::now() >= deadline) {
      return removed;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

EngineResult<void> remove_object(Engine& engine, ObjectKind kind, const std::string& id,
                                 std::chrono::milliseconds network_timeout) {
  EngineResult<void> removed;
  switch (kind) {
    case ObjectKind::service:
      removed = engine.remove_service(id);
      break;
    case ObjectKind::secret:
      removed = engine.remove_secret(id);
      break;
    case ObjectKind::config:
      removed = engine.remove_config(id);
      break;
    case ObjectKind::network:
      return remove_network_waiting(engine, id, network_timeout);
  }
  if (!removed && removed.error().kind == EngineErrorKind::not_found) {
    return {};  // already gone: what we wanted
  }
  return removed;
}

}  // namespace

ApplyResult apply_plan(const Plan& plan, Engine& engine, const EngineFactory& factory,
                       const ApplyOptions& options,
                       const std::function<void(const ApplyEvent&)>& report) {
  State state;
  state.report = &report;
  state.options = &options;
  state.secret_ids = plan.secret_ids;
  state.config_ids = plan.config_ids;

  std::vector<Task> tasks;
  for (const PlannedObject& object : plan.networks) {
    tasks.push_back([&](Engine& e) {
      if (state.begin(object)) {
        apply_network(e, object, state);
      }
    });
  }
  run_tasks(tasks, options.parallel, engine, factory, state);
  tasks.clear();
  for (const auto* list : {&plan.secrets, &plan.configs}) {
    for (const PlannedObject& object : *list) {
      tasks.push_back([&](Engine& e) {
        if (state.begin(object)) {
          apply_file_object(e, object, state);
        }
      });
    }
  }
  run_tasks(tasks, options.parallel, engine, factory, state);
  for (const auto& wave : plan.service_waves) {
    tasks.clear();
    for (const PlannedObject& object : wave) {
      tasks.push_back([&](Engine& e) {
        if (state.begin(object)) {
          apply_service(e, object, options, state);
        }
      });
    }
    run_tasks(tasks, options.parallel, engine, factory, state);
  }
  // Removals run one by one in order (services free secrets, configs and networks), and only
  // when everything before succeeded: an old revision may still be in use otherwise.
  for (const PlannedObject& object : plan.removals) {
    if (!state.begin(object)) {
      break;
    }
    auto removed = remove_object(engine, object.kind, object.id, options.network_release_timeout);
    if (removed) {
      state.done({object.kind, Action::remove, object.name, true, object.reason});
    } else if (object.kind != ObjectKind::service &&
               (removed.error().kind == EngineErrorKind::conflict ||
                mentions(removed.error(), "in use"))) {
      // Used by something outside the stack's declared services: keep it, say so.
      state.warn(fmt::format("kept {} {}: {}", to_string(object.kind), object.name,
                             removed.error().message));
    } else {
      state.fail(object, removed.error());
    }
  }
  return std::move(state.result);
}

size_t ApplyResult::count(Action action) const {
  return static_cast<size_t>(std::count_if(
      objects.begin(), objects.end(), [&](const AppliedObject& o) { return o.action == action; }));
}

std::string digest_warning(std::string_view image) {
  return fmt::format(
      "image {} could not be accessed on a registry to record its digest. Each node will "
      "access {} independently, possibly leading to different nodes running different "
      "versions of the image.",
      image, image);
}

void resolve_images(Engine& engine, DesiredStack& desired, const LiveStack& live, ResolveImage mode,
                    const std::map<std::string, std::string>& registry_auth,
                    std::vector<std::string>& warnings) {
  // One registry round trip per image and credential, not per service: a stack often runs one
  // image in many services, and an unreachable registry costs a timeout each time.
  std::map<std::pair<std::string, std::string>, EngineResult<json>> answers;
  for (DesiredService& service : desired.services) {
    service.reuse_live_image = mode != ResolveImage::always;
    if (mode == ResolveImage::never) {
      continue;
    }
    if (mode == ResolveImage::changed) {
      const LiveObject* existing = live.service(service.name);
      if (existing) {
        auto label = existing->labels.find("com.docker.stack.image");
        if (label != existing->labels.end() && label->second == service.image) {
          continue;  // the live (pinned) image is kept by the planner
        }
      }
    }
    json spec = parse(service.spec_json);
    auto task = spec.find("TaskTemplate");
    if (task == spec.end() || !task->is_object() || !task->contains("ContainerSpec")) {
      continue;
    }
    json& container = (*task)["ContainerSpec"];
    std::string image = container.value("Image", "");
    if (image.empty()) {
      continue;
    }
    RegistryAuth auth;
    if (auto it = registry_auth.find(service.image); it != registry_auth.end()) {
      auth.header = it->second;
    }
    auto key = std::make_pair(image, auth.header.value_or(std::string()));
    auto known = answers.find(key);
    if (known == answers.end()) {
      known = answers.emplace(key, engine.distribution_inspect(image, auth)).first;
    }
    const EngineResult<json>& inspected = known->second;
    std::string digest;
    const json* platforms = nullptr;
    if (inspected && inspected->is_object()) {
      if (auto descriptor = inspected->find("Descriptor");
          descriptor != inspected->end() && descriptor->is_object()) {
        digest = descriptor->value("digest", "");
      }
      if (auto list = inspected->find("Platforms"); list != inspected->end() && list->is_array()) {
        platforms = &*list;
      }
    }
    if (digest.empty()) {
      warnings.push_back(digest_warning(image));
      continue;
    }
    // imageWithDigestString: a reference that has a digest already is left as written.
    if (image.find('@') == std::string::npos) {
      container["Image"] = image + "@" + digest;
    }
    if (platforms && !platforms->empty()) {
      json list = json::array();
      for (const json& platform : *platforms) {
        std::string architecture = platform.is_object() ? platform.value("architecture", "") : "";
        std::string os = platform.is_object() ? platform.value("os", "") : "";
        std::string lowered = architecture;
        std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (lowered == "arm") {
          architecture.clear();  // nodes report armv7l etc.: the client drops the constraint
        }
        json entry = json::object();  // swarm.Platform's fields are omitempty
        if (!architecture.empty()) {
          entry["Architecture"] = architecture;
        }
        if (!os.empty()) {
          entry["OS"] = os;
        }
        list.push_back(std::move(entry));
      }
      (*task)["Placement"]["Platforms"] = std::move(list);
    }
    service.spec_json = spec.dump();
  }
}

RemoveResult remove_stack(Engine& engine, std::string_view stack, std::chrono::milliseconds timeout,
                          const std::function<void(const ApplyEvent&)>& report,
                          const RemoveWaiting& waiting) {
  RemoveResult result;
  Filters filter = namespace_filter(stack);
  auto services = engine.list_services(filter);
  auto secrets = services ? engine.list_secrets(filter) : services;
  auto configs = secrets ? engine.list_configs(filter) : secrets;
  auto networks = configs ? engine.list_networks(filter) : configs;
  if (!networks) {
    result.error = networks.error();
    return result;
  }
  struct Item {
    ObjectKind kind;
    std::string id;
    std::string name;
  };
  std::vector<Item> items;
  auto add = [&](ObjectKind kind, const json& list, bool spec_name) {
    std::vector<Item> part;
    for (const json& object : list) {
      std::string name = spec_name ? object.value("/Spec/Name"_json_pointer, std::string())
                                   : object.value("Name", "");
      part.push_back({kind, object.value(spec_name ? "ID" : "Id", ""), name});
    }
    std::sort(part.begin(), part.end(),
              [](const Item& a, const Item& b) { return a.name < b.name; });
    items.insert(items.end(), part.begin(), part.end());
  };
  add(ObjectKind::service, *services, true);
  add(ObjectKind::secret, *secrets, true);
  add(ObjectKind::config, *configs, true);
  add(ObjectKind::network, *networks, false);
  result.found_anything = !items.empty();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (const Item& item : items) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto removed =
        remove_object(engine, item.kind, item.id, std::max(left, std::chrono::milliseconds(0)));
    if (removed) {
      ++result.removed;
      report({item.kind, Action::remove, item.name, true, {}});
    } else {
      ++result.failed;
      report({item.kind, Action::remove, item.name, false, removed.error().describe()});
    }
  }
  // Wait until the stack's networks and tasks are gone: a redeploy right away would otherwise
  // race their cleanup (moby/moby#29293).
  for (;;) {
    auto left_networks = engine.list_networks(filter);
    auto left_tasks = engine.list_tasks(filter);
    // Finished job tasks stay listed after their service is gone; only live ones matter.
    bool tasks_gone =
        left_tasks && std::none_of(left_tasks->begin(), left_tasks->end(),
                                   [](const json& task) { return task_is_live(task); });
    bool gone = left_networks && left_networks->empty() && tasks_gone;
    if (gone) {
      break;
    }
    if (waiting && left_networks && left_tasks) {
      waiting(left_networks->size(),
              std::count_if(left_tasks->begin(), left_tasks->end(),
                            [](const json& task) { return task_is_live(task); }));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      result.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return result;
}

}  // namespace stackc::swarm
