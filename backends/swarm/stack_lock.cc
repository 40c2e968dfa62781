#include "backends/swarm/stack_lock.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <signal.h>

#include <cerrno>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "backends/swarm/live.h"

namespace stackc::swarm {

using nlohmann::json;

namespace {

const std::string k_operation = std::string(k_lock_label) + ".operation";
const std::string k_host = std::string(k_lock_label) + ".host";
const std::string k_pid = std::string(k_lock_label) + ".pid";
const std::string k_since = std::string(k_lock_label) + ".since";
const std::string k_expires = std::string(k_lock_label) + ".expires";  // Unix seconds
const std::string k_token = std::string(k_lock_label) + ".token";

std::string now_rfc3339() {
  return fmt::format(
      "{:%Y-%m-%dT%H:%M:%SZ}",
      fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

std::string random_token() {
  std::random_device device;
  return fmt::format("{:08x}{:08x}", device(), device());
}

std::string label(const json& labels, const std::string& key) {
  auto it = labels.find(key);
  return it != labels.end() && it->is_string() ? it->get<std::string>() : std::string();
}

long long number(const std::string& text) {
  try {
    return text.empty() ? 0 : std::stoll(text);
  } catch (const std::exception&) {
    return 0;
  }
}

LockHolder holder_of(const json& config) {
  json labels = config.value("/Spec/Labels"_json_pointer, json::object());
  LockHolder holder;
  holder.operation = label(labels, k_operation);
  holder.host = label(labels, k_host);
  holder.pid = static_cast<int>(number(label(labels, k_pid)));
  holder.since = label(labels, k_since);
  holder.token = label(labels, k_token);
  holder.expires =
      std::chrono::system_clock::time_point(std::chrono::seconds(number(label(labels, k_expires))));
  return holder;
}

std::uint64_t version_of(const json& config) {
  return config.value("/Version/Index"_json_pointer, std::uint64_t{0});
}

bool process_alive(int pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno != ESRCH); }

}  // namespace

std::string lock_name(std::string_view stack) {
  return std::string(stack) + std::string(k_lock_suffix);
}

std::string describe_holder(std::string_view stack, const LockHolder& holder) {
  std::string_view verb = holder.operation == "rm"         ? "removed"
                          : holder.operation == "rollback" ? "rolled back"
                                                           : "deployed";
  return fmt::format("stack {} is being {} by {} (pid {}) since {}", stack, verb,
                     holder.host.empty() ? "an unknown host" : holder.host, holder.pid,
                     holder.since);
}

EngineResult<std::optional<LockHolder>> read_lock(Engine& engine, std::string_view stack) {
  auto config = engine.inspect_config(lock_name(stack));
  if (!config) {
    if (config.error().kind == EngineErrorKind::not_found) {
      return std::optional<LockHolder>();
    }
    return tl::unexpected(config.error());
  }
  return std::optional<LockHolder>(holder_of(*config));
}

EngineResult<bool> remove_lock(Engine& engine, std::string_view stack) {
  auto removed = engine.remove_config(lock_name(stack));
  if (!removed) {
    if (removed.error().kind == EngineErrorKind::not_found) {
      return false;
    }
    return tl::unexpected(removed.error());
  }
  return true;
}

EngineStackLock::EngineStackLock(std::unique_ptr<Engine> engine, StackLockOptions options)
    : m_engine(std::move(engine)), m_options(std::move(options)) {
  if (!m_options.alive) {
    m_options.alive = process_alive;
  }
}

EngineStackLock::~EngineStackLock() { release(); }

namespace {

json lock_labels(const std::string& stack, const StackLockOptions& options,
                 const std::string& since, const std::string& token) {
  auto expires = std::chrono::system_clock::now() + options.lease;
  return {
      {std::string(k_lock_label), stack},
      {k_operation, options.operation},
      {k_host, options.host},
      {k_pid, std::to_string(options.pid)},
      {k_since, since},
      {k_expires,
       std::to_string(
           std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count())},
      {k_token, token}};
}

}  // namespace

// One try: create the lease, or take over an expired one. The error is the holder (or the
// engine's words, prefixed with "!" so that acquire() stops waiting).
tl::expected<void, std::string> EngineStackLock::take(const std::string& stack) {
  std::string name = lock_name(stack);
  std::string since = now_rfc3339();
  std::string token = random_token();
  json labels = lock_labels(stack, m_options, since, token);
  std::string data = fmt::format("{} {} {}\n", m_options.host, m_options.pid, since);
  auto created =
      m_engine->create_config({{"Name", name}, {"Labels", labels}, {"Data", base64_encode(data)}});
  if (!created && created.error().kind != EngineErrorKind::conflict) {
    return tl::unexpected("!" + created.error().describe());
  }
  auto config = m_engine->inspect_config(created ? created->id : name);
  if (!config) {
    // Removed between our 409 and the inspect: try again.
    return tl::unexpected(config.error().kind == EngineErrorKind::not_found
                              ? std::string("stack " + stack + " is being unlocked")
                              : "!" + config.error().describe());
  }
  LockHolder holder = holder_of(*config);
  if (!created) {
    bool expired = holder.expires <= std::chrono::system_clock::now();
    bool gone = holder.host == m_options.host && !m_options.alive(holder.pid);
    if (!expired && !gone) {
      return tl::unexpected(describe_holder(stack, holder));
    }
    // Take over with the inspected index: of several takers only one update goes through.
    json spec = (*config)["Spec"];
    spec["Labels"] = labels;
    auto taken = m_engine->update_config(label(*config, "ID"), version_of(*config), spec);
    if (!taken) {
      return tl::unexpected(taken.error().retryable() ||
                                    taken.error().kind == EngineErrorKind::not_found
                                ? describe_holder(stack, holder)
                                : "!" + taken.error().describe());
    }
    config = m_engine->inspect_config(name);
    if (!config || holder_of(*config).token != token) {
      return tl::unexpected(describe_holder(stack, holder));
    }
  }
  m_stack = stack;
  m_token = token;
  m_since = since;
  m_id = label(*config, "ID");
  m_version = version_of(*config);
  m_renewed = std::chrono::steady_clock::now();
  return {};
}

tl::expected<void, std::string> EngineStackLock::acquire(const std::string& stack) {
  std::lock_guard guard(m_mutex);
  auto deadline = std::chrono::steady_clock::now() + m_options.wait;
  for (;;) {
    auto taken = take(stack);
    if (taken) {
      return {};
    }
    if (taken.error().starts_with("!")) {
      return tl::unexpected(taken.error().substr(1));
    }
    if (std::chrono::steady_clock::now() + m_options.poll > deadline ||
        (m_options.cancel != nullptr && m_options.cancel->cancelled())) {
      return tl::unexpected(taken.error());
    }
    std::this_thread::sleep_for(m_options.poll);
  }
}

bool EngineStackLock::renew() {
  std::lock_guard guard(m_mutex);
  if (!m_version) {
    return false;
  }
  if (std::chrono::steady_clock::now() - m_renewed < m_options.lease / 3) {
    return true;
  }
  auto config = m_engine->inspect_config(m_id);
  if (!config || version_of(*config) != *m_version || holder_of(*config).token != m_token) {
    m_version.reset();  // lost: someone took it over or unlocked it
    return false;
  }
  json spec = (*config)["Spec"];
  spec["Labels"] = lock_labels(m_stack, m_options, m_since, m_token);
  if (!m_engine->update_config(m_id, *m_version, spec)) {
    m_version.reset();
    return false;
  }
  auto renewed = m_engine->inspect_config(m_id);
  if (!renewed || holder_of(*renewed).token != m_token) {
    m_version.reset();
    return false;
  }
  m_version = version_of(*renewed);
  m_renewed = std::chrono::steady_clock::now();
  return true;
}

void EngineStackLock::release() {
  std::lock_guard guard(m_mutex);
  if (!m_version) {
    return;
  }
  m_version.reset();
  // Only our own lease: one taken over after it expired belongs to its new holder.
  auto config = m_engine->inspect_config(m_id);
  if (config && holder_of(*config).token == m_token) {
    (void)m_engine->remove_config(m_id);
  }
}

}  // namespace stackc::swarm
