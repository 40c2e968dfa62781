// The scheduler model (see schedule.h). Facts and their sources are in
// ../shared/reference/swarm-scheduler.md; section numbers below refer to it.

#include "backends/swarm/schedule.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <numeric>
#include <random>
#include <tuple>
#include <unordered_map>

namespace stackc::swarm::sched {

std::string_view to_string(Mode mode) {
  switch (mode) {
    case Mode::replicated:
      return "replicated";
    case Mode::global:
      return "global";
    case Mode::replicated_job:
      return "replicated-job";
    case Mode::global_job:
      return "global-job";
  }
  return "";
}

std::string_view to_string(Change change) {
  switch (change) {
    case Change::create:
      return "create";
    case Change::update:
      return "update";
    case Change::scale:
      return "scale";
    case Change::unchanged:
      return "unchanged";
  }
  return "";
}

std::string_view to_string(Strategy strategy) {
  switch (strategy) {
    case Strategy::spread:
      return "spread";
    case Strategy::binpack:
      return "binpack";
    case Strategy::random:
      return "random";
  }
  return "";
}

std::string Prediction::hostname(const std::string& node_id) const {
  for (const Node& node : nodes) {
    if (node.id == node_id) {
      return node.hostname;
    }
  }
  return node_id;
}

// --- constraints (§3)

namespace {

bool equal_fold(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool starts_with_fold(std::string_view text, std::string_view prefix) {
  return text.size() > prefix.size() && equal_fold(text.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

bool valid_key(std::string_view key) {
  if (key.size() < 2) {
    return false;
  }
  auto c0 = static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(key[0])));
  if (!(std::islower(c0) || c0 == '_')) {
    return false;
  }
  return std::all_of(key.begin() + 1, key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

bool valid_value(std::string_view value) {
  static constexpr std::string_view k_extra = ":-_.*()?+[]\\^$|/";
  return !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::isspace(static_cast<unsigned char>(c)) || k_extra.find(c) != k_extra.npos;
  });
}

// node.ip==10.0.0.0/8: an address or an IPv4 network.
bool ipv4(std::string_view text, std::uint32_t& out) {
  std::uint32_t value = 0;
  int parts = 0;
  size_t i = 0;
  while (i <= text.size()) {
    size_t dot = text.find('.', i);
    std::string_view part = text.substr(i, dot == text.npos ? text.npos : dot - i);
    if (part.empty() || part.size() > 3 ||
        !std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(c); })) {
      return false;
    }
    int octet = std::stoi(std::string(part));
    if (octet > 255) {
      return false;
    }
    value = value << 8 | static_cast<std::uint32_t>(octet);
    ++parts;
    if (dot == text.npos) {
      break;
    }
    i = dot + 1;
  }
  out = value;
  return parts == 4;
}

bool ip_matches(std::string_view pattern, std::string_view ip) {
  size_t slash = pattern.find('/');
  if (slash == pattern.npos) {
    return pattern == ip;
  }
  std::uint32_t network = 0;
  std::uint32_t address = 0;
  std::string_view bits_text = pattern.substr(slash + 1);
  if (!ipv4(pattern.substr(0, slash), network) || !ipv4(ip, address) || bits_text.empty() ||
      bits_text.size() > 2) {
    return false;
  }
  int bits = std::stoi(std::string(bits_text));
  if (bits > 32) {
    return false;
  }
  std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (network & mask) == (address & mask);
}

}  // namespace

std::optional<Constraint> parse_constraint(std::string_view text, std::string* error) {
  Constraint out;
  size_t at = text.find("==");
  size_t length = 2;
  if (at == text.npos) {
    at = text.find("!=");
    out.equal = false;
  }
  if (at == text.npos) {
    if (error) {
      *error = "constraint expected one operator from ==, !=";
    }
    return std::nullopt;
  }
  std::string_view key = trim(text.substr(0, at));
  std::string_view value = trim(text.substr(at + length));
  if (!valid_key(key)) {
    if (error) {
      *error = fmt::format("key '{}' is invalid", key);
    }
    return std::nullopt;
  }
  if (!valid_value(value)) {
    if (error) {
      *error = fmt::format("value '{}' is invalid", value);
    }
    return std::nullopt;
  }
  out.key = std::string(key);
  out.value = std::string(value);
  return out;
}

bool node_matches(const Constraint& constraint, const Node& node) {
  // A missing field or label reads as "": == fails, != matches. Unknown keys match no node.
  const std::string& key = constraint.key;
  auto label = [](const std::map<std::string, std::string>& labels, std::string_view name) {
    auto it = labels.find(std::string(name));
    return it == labels.end() ? std::string() : it->second;
  };
  std::string actual;
  if (equal_fold(key, "node.id")) {
    actual = node.id;
  } else if (equal_fold(key, "node.hostname")) {
    actual = node.hostname;
  } else if (equal_fold(key, "node.ip")) {
    bool match = ip_matches(constraint.value, node.ip);
    return constraint.equal ? match : !match;
  } else if (equal_fold(key, "node.role")) {
    actual = node.role;
  } else if (equal_fold(key, "node.platform.os")) {
    actual = node.os;
  } else if (equal_fold(key, "node.platform.arch")) {
    actual = node.arch;
  } else if (starts_with_fold(key, "node.labels.")) {
    actual = label(node.labels, std::string_view(key).substr(12));
  } else if (starts_with_fold(key, "engine.labels.")) {
    actual = label(node.engine_labels, std::string_view(key).substr(14));
  } else {
    return false;
  }
  bool same = equal_fold(actual, constraint.value);
  return constraint.equal ? same : !same;
}

Rollout plan_rollout(std::uint64_t tasks, const UpdatePolicy& policy) {
  Rollout out;
  out.tasks = tasks;
  out.parallelism = policy.parallelism == 0 ? tasks : policy.parallelism;
  out.order = policy.order;
  out.delay_ns = policy.delay_ns;
  out.monitor_ns = policy.monitor_ns;
  if (tasks == 0) {
    return out;
  }
  std::uint64_t p = std::max<std::uint64_t>(1, std::min(out.parallelism, tasks));
  out.batches = (tasks + p - 1) / p;
  // Each worker replaces a slot, waits for RUNNING, sleeps `delay`, takes the next slot (§6).
  for (std::uint64_t i = 0; i < out.batches; ++i) {
    out.batch_starts_ns.push_back(static_cast<std::int64_t>(i) * policy.delay_ns);
  }
  std::int64_t tail =
      policy.delay_ns >= policy.monitor_ns ? policy.delay_ns + 1'000'000'000 : policy.monitor_ns;
  out.duration_ns = static_cast<std::int64_t>(out.batches) * policy.delay_ns + tail;
  bool start_first = policy.order == "start-first";
  out.min_running = start_first ? tasks : tasks - p;
  out.extra_tasks = start_first ? p : 0;
  return out;
}

// --- the simulation

namespace {

enum Filter : int { f_ready, f_resources, f_constraint, f_platform, f_host_port, f_max, f_count };

std::string explain_filter(int filter, std::uint64_t nodes) {
  auto plural = [nodes](std::string_view one, std::string_view many_fmt) {
    return nodes == 1 ? std::string(one) : fmt::format(fmt::runtime(many_fmt), nodes);
  };
  switch (filter) {
    case f_ready:
      return plural("1 node not available for new tasks", "{} nodes not available for new tasks");
    case f_resources:
      return plural("insufficient resources on 1 node", "insufficient resources on {} nodes");
    case f_constraint:
      return plural("scheduling constraints not satisfied on 1 node",
                    "scheduling constraints not satisfied on {} nodes");
    case f_platform:
      return plural("unsupported platform on 1 node", "unsupported platform on {} nodes");
    case f_host_port:
      return plural("host-mode port already in use on 1 node",
                    "host-mode port already in use on {} nodes");
    case f_max:
      return "max replicas per node limit exceed";  // sic, without a count
  }
  return "";
}

// Explain(): the filters by failure count, highest first, ties in pipeline order.
std::string explain(const std::array<std::uint64_t, f_count>& failures) {
  std::array<int, f_count> order{};
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return failures[a] > failures[b]; });
  std::string out;
  for (int filter : order) {
    if (failures[filter] > 0) {
      out += (out.empty() ? "" : "; ") + explain_filter(filter, failures[filter]);
    }
  }
  return out;
}

std::string arch_alias(std::string arch) {
  if (arch == "x86_64") {
    return "amd64";
  }
  if (arch == "aarch64") {
    return "arm64";
  }
  return arch;
}

struct Compiled {
  const ServiceSpec* spec = nullptr;
  std::vector<Constraint> constraints;
  bool constraints_ok = true;  // swarm disables the filter when they do not parse
};

struct TaskRec {
  std::size_t node = 0;
  const ServiceSpec* spec = nullptr;
  std::uint64_t slot = 0;
  bool active = true;
};

struct NodeState {
  std::int64_t cpus = 0;
  std::int64_t memory = 0;
  std::map<std::string, std::int64_t> generic;
  std::unordered_map<std::size_t, std::uint32_t> by_service;  // active tasks per service
  std::uint32_t total = 0;                                    // active tasks
  std::vector<HostPort> ports;                                // held host ports
  std::int64_t rank = 0;                                      // tie-break among equal nodes
  bool preferred = false;  // ran a task the current update batch replaces
  std::uint32_t count(std::size_t service) const {
    auto it = by_service.find(service);
    return it == by_service.end() ? 0 : it->second;
  }
};

class Sim {
 public:
  Sim(const Cluster& cluster, const Options& options) : m_options(options) {
    m_nodes = cluster.nodes;
    std::vector<std::size_t> order(m_nodes.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::tie(m_nodes[a].hostname, m_nodes[a].id) <
             std::tie(m_nodes[b].hostname, m_nodes[b].id);
    });
    if (options.seed) {
      m_rng.seed(*options.seed);
      std::shuffle(order.begin(), order.end(), m_rng);
    }
    m_state.resize(m_nodes.size());
    for (std::size_t rank = 0; rank < order.size(); ++rank) {
      NodeState& state = m_state[order[rank]];
      const Resources& capacity = m_nodes[order[rank]].capacity;
      state.rank = static_cast<std::int64_t>(rank);
      state.cpus = capacity.nano_cpus;
      state.memory = capacity.memory_bytes;
      state.generic = capacity.generic;
    }
    m_by_hostname_order = order;
    for (std::size_t i = 0; i < m_nodes.size(); ++i) {
      m_node_index.emplace(m_nodes[i].id, i);
    }
  }

  std::size_t service(const std::string& name) {
    auto [it, added] = m_service_index.emplace(name, m_tasks.size());
    if (added) {
      m_tasks.emplace_back();
      m_compiled.emplace_back();
    }
    return it->second;
  }

  const Compiled& compile(std::size_t service, const ServiceSpec& spec) {
    Compiled& compiled = m_compiled[service];
    if (compiled.spec != &spec) {
      compiled = Compiled{};
      compiled.spec = &spec;
      for (const std::string& text : spec.constraints) {
        auto parsed = parse_constraint(text, nullptr);
        if (!parsed) {
          compiled.constraints_ok = false;
          compiled.constraints.clear();
          break;
        }
        compiled.constraints.push_back(std::move(*parsed));
      }
    }
    return compiled;
  }

  std::optional<std::size_t> node_index(const std::string& id) const {
    auto it = m_node_index.find(id);
    return it == m_node_index.end() ? std::nullopt : std::optional(it->second);
  }

  // The node's first failing filter, or -1 (§1). `static_only` checks what no running task
  // changes: constraints, platform, and total capacity instead of what is free.
  int check(std::size_t service, const Compiled& c, std::size_t node_i, bool static_only = false,
            bool skip_resources = false) const {
    const Node& node = m_nodes[node_i];
    const NodeState& state = m_state[node_i];
    const ServiceSpec& spec = *c.spec;
    if (!static_only && (node.state != "ready" || node.availability != "active")) {
      return f_ready;
    }
    if (!spec.reservations.empty() && !skip_resources) {
      std::int64_t cpus = static_only ? node.capacity.nano_cpus : state.cpus;
      std::int64_t memory = static_only ? node.capacity.memory_bytes : state.memory;
      const auto& generic = static_only ? node.capacity.generic : state.generic;
      if (spec.reservations.nano_cpus > cpus || spec.reservations.memory_bytes > memory) {
        return f_resources;
      }
      for (const auto& [kind, count] : spec.reservations.generic) {
        auto it = generic.find(kind);
        if (it == generic.end() || it->second < count) {
          return f_resources;
        }
      }
    }
    if (c.constraints_ok && !c.constraints.empty()) {
      for (const Constraint& constraint : c.constraints) {
        if (!node_matches(constraint, node)) {
          return f_constraint;
        }
      }
    }
    if (!spec.platforms.empty()) {
      bool any = false;
      for (const auto& [os, arch] : spec.platforms) {
        if ((arch.empty() || arch_alias(arch) == arch_alias(node.arch)) &&
            (os.empty() || os == node.os)) {
          any = true;
          break;
        }
      }
      if (!any) {
        return f_platform;
      }
    }
    if (static_only) {
      return -1;
    }
    for (const HostPort& port : spec.host_ports) {
      if (std::find(state.ports.begin(), state.ports.end(), port) != state.ports.end()) {
        return f_host_port;
      }
    }
    if (spec.max_replicas > 0 && state.count(service) >= spec.max_replicas) {
      return f_max;
    }
    return -1;
  }

  // The text a task that fits nowhere gets: every stored node, counted under its first
  // failing filter.
  std::string explain_all(std::size_t service, const Compiled& c, bool static_only = false) const {
    std::array<std::uint64_t, f_count> failures{};
    for (std::size_t i = 0; i < m_nodes.size(); ++i) {
      int failed = check(service, c, i, static_only);
      if (failed < 0) {
        return "";
      }
      ++failures[failed];
    }
    return explain(failures);
  }

  bool node_less(std::size_t service, std::size_t a, std::size_t b) const {
    const NodeState& x = m_state[a];
    const NodeState& y = m_state[b];
    std::uint32_t cx = x.count(service);
    std::uint32_t cy = y.count(service);
    if (cx != cy) {
      return cx < cy;
    }
    if (x.total != y.total) {
      return x.total < y.total;
    }
    // Swarm picks among equal nodes at random; the model prefers the nodes the replaced tasks
    // ran on, so that an update does not show moves swarm is not bound to make.
    if (x.preferred != y.preferred) {
      return x.preferred;
    }
    return x.rank < y.rank;
  }

  void add(std::size_t service, std::size_t node_i, const ServiceSpec* spec, std::uint64_t slot) {
    NodeState& state = m_state[node_i];
    state.cpus -= spec->reservations.nano_cpus;
    state.memory -= spec->reservations.memory_bytes;
    for (const auto& [kind, count] : spec->reservations.generic) {
      state.generic[kind] -= count;
    }
    state.ports.insert(state.ports.end(), spec->host_ports.begin(), spec->host_ports.end());
    ++state.by_service[service];
    ++state.total;
    m_tasks[service].push_back(TaskRec{node_i, spec, slot, true});
  }

  void deactivate(std::size_t service, TaskRec& task) {
    if (task.active) {
      task.active = false;
      --m_state[task.node].by_service[service];
      --m_state[task.node].total;
    }
  }

  void release(std::size_t service, TaskRec& task) {
    deactivate(service, task);
    NodeState& state = m_state[task.node];
    state.cpus += task.spec->reservations.nano_cpus;
    state.memory += task.spec->reservations.memory_bytes;
    for (const auto& [kind, count] : task.spec->reservations.generic) {
      state.generic[kind] += count;
    }
    for (const HostPort& port : task.spec->host_ports) {
      auto it = std::find(state.ports.begin(), state.ports.end(), port);
      if (it != state.ports.end()) {
        state.ports.erase(it);
      }
    }
  }

  // Removes released tasks from the service's list.
  void forget(std::size_t service, const std::vector<std::size_t>& indices) {
    std::vector<TaskRec>& tasks = m_tasks[service];
    std::vector<bool> gone(tasks.size(), false);
    for (std::size_t i : indices) {
      gone[i] = true;
    }
    std::vector<TaskRec> kept;
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      if (!gone[i]) {
        kept.push_back(tasks[i]);
      }
    }
    tasks = std::move(kept);
  }

  std::uint64_t next_slot(std::size_t service) const {
    std::uint64_t slot = 0;
    for (const TaskRec& task : m_tasks[service]) {
      slot = std::max(slot, task.slot);
    }
    return slot + 1;
  }

  // --- swarm mode: a group of n equal tasks (§2)

  // scheduleNTasksOnNodes: the first pass moves on only to a strictly better node, then
  // round-robin; nodes that stop passing the pipeline are skipped for good.
  std::uint64_t on_nodes(std::size_t service, const Compiled& c, std::uint64_t n,
                         std::uint64_t& remaining, std::vector<std::size_t>& nodes,
                         std::uint64_t& slot) {
    std::uint64_t placed = 0;
    if (nodes.empty()) {
      return 0;
    }
    std::vector<bool> failed(nodes.size(), false);
    std::size_t iter = 0;
    const std::size_t count = nodes.size();
    while (remaining > 0) {
      std::size_t node_i = nodes[iter % count];
      add(service, node_i, c.spec, slot++);
      --remaining;
      ++placed;
      if (placed == n) {
        return placed;
      }
      if (iter + 1 < count) {
        if (node_less(service, nodes[(iter + 1) % count], node_i)) {
          ++iter;
        }
      } else {
        ++iter;
      }
      std::size_t start = iter;
      while (failed[iter % count] || check(service, c, nodes[iter % count]) >= 0) {
        failed[iter % count] = true;
        ++iter;
        if (iter - start == count) {
          return placed;
        }
      }
    }
    return placed;
  }

  struct Branch {
    std::map<std::string, Branch> next;
    std::uint64_t tasks = 0;         // the service's active tasks under this branch
    std::vector<std::size_t> nodes;  // leaves: eligible nodes
  };

  // scheduleNTasksOnSubtree: split the tasks so the branches even out (§2 preferences). The
  // branches' task counts stay as they were when the tree was built, as in swarm.
  std::uint64_t on_subtree(std::size_t service, const Compiled& c, std::uint64_t n,
                           std::uint64_t& remaining, Branch& tree, std::uint64_t max_nodes,
                           std::uint64_t& slot) {
    if (tree.next.empty()) {
      // The n best eligible nodes, best first (swarm keeps them in a heap of size n). The
      // ordering keys are read once per node: this is the scheduler's hot loop.
      using Key = std::tuple<std::uint32_t, std::uint32_t, bool, std::int64_t, std::size_t>;
      std::vector<Key> keys;
      keys.reserve(tree.nodes.size());
      for (std::size_t node_i : tree.nodes) {
        if (check(service, c, node_i) < 0) {
          const NodeState& state = m_state[node_i];
          keys.emplace_back(state.count(service), state.total, !state.preferred, state.rank,
                            node_i);
        }
      }
      std::size_t keep = std::min<std::size_t>(keys.size(), max_nodes);
      std::partial_sort(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(keep), keys.end());
      std::vector<std::size_t> nodes;
      nodes.reserve(keep);
      for (std::size_t i = 0; i < keep; ++i) {
        nodes.push_back(std::get<4>(keys[i]));
      }
      tree.nodes = nodes;
      return on_nodes(service, c, n, remaining, nodes, slot);
    }
    std::uint64_t scheduled = 0;
    std::uint64_t usable = tree.tasks;
    std::vector<Branch*> full;
    auto is_full = [&](Branch* branch) {
      return std::find(full.begin(), full.end(), branch) != full.end();
    };
    // Bounded: every round places a task or marks a branch full.
    for (std::size_t round = 0; scheduled != n && full.size() != tree.next.size() &&
                                remaining > 0 && round < n + tree.next.size() + 1;
         ++round) {
      std::uint64_t live = tree.next.size() - full.size();
      std::uint64_t desired = (usable + n - scheduled) / live;
      std::uint64_t rem = (usable + n - scheduled) % live;
      for (auto& [value, branch] : tree.next) {
        if (is_full(&branch)) {
          continue;
        }
        if (branch.tasks < desired || (branch.tasks == desired && rem > 0)) {
          std::uint64_t ask = desired - branch.tasks + (rem > 0 ? 1 : 0);
          std::uint64_t got = on_subtree(service, c, ask, remaining, branch, max_nodes, slot);
          if (got < ask) {
            full.push_back(&branch);
            usable -= branch.tasks;
          } else if (rem > 0) {
            --rem;
          }
          scheduled += got;
        }
      }
    }
    return scheduled;
  }

  // Places up to n tasks of `service` as one group; returns how many found a node.
  std::uint64_t place_group(std::size_t service, const ServiceSpec& spec, std::uint64_t n) {
    if (n == 0) {
      return 0;
    }
    const Compiled& c = compile(service, spec);
    std::uint64_t slot = next_slot(service);
    if (m_options.strategy != Strategy::spread) {
      return place_classic(service, c, n, slot);
    }
    Branch root;
    for (std::size_t node_i : m_by_hostname_order) {
      Branch* branch = &root;
      const Node& node = m_nodes[node_i];
      std::uint32_t here = m_state[node_i].count(service);
      for (const std::string& descriptor : spec.preferences) {
        std::string value;
        if (starts_with_fold(descriptor, "node.labels.")) {
          auto it = node.labels.find(descriptor.substr(12));
          value = it == node.labels.end() ? "" : it->second;
        } else if (starts_with_fold(descriptor, "engine.labels.")) {
          auto it = node.engine_labels.find(descriptor.substr(14));
          value = it == node.engine_labels.end() ? "" : it->second;
        } else {
          continue;  // swarm ignores other descriptors
        }
        branch->tasks += here;
        branch = &branch->next[value];
      }
      branch->tasks += here;
      if (check(service, c, node_i) < 0) {
        branch->nodes.push_back(node_i);
      }
    }
    std::uint64_t remaining = n;
    on_subtree(service, c, n, remaining, root, n, slot);
    return n - remaining;
  }

  // Classic swarm's strategies (§7), one task at a time: binpack takes the fullest node that
  // fits, random any node that passes the filters but the resource check.
  std::uint64_t place_classic(std::size_t service, const Compiled& c, std::uint64_t n,
                              std::uint64_t& slot) {
    std::uint64_t placed = 0;
    const Resources& ask = c.spec->reservations;
    for (; placed < n; ++placed) {
      std::vector<std::size_t> fits;
      bool random = m_options.strategy == Strategy::random;
      for (std::size_t node_i : m_by_hostname_order) {
        if (check(service, c, node_i, false, random) < 0) {
          fits.push_back(node_i);
        }
      }
      if (fits.empty()) {
        break;
      }
      std::size_t chosen = fits.front();
      if (random) {
        chosen = fits[std::uniform_int_distribution<std::size_t>(0, fits.size() - 1)(m_rng)];
      } else {
        auto weight = [&](std::size_t node_i) {
          const Node& node = m_nodes[node_i];
          const NodeState& state = m_state[node_i];
          auto score = [](std::int64_t total, std::int64_t free, std::int64_t request) {
            if (request == 0 || total == 0) {
              return 100.0;
            }
            double capacity = static_cast<double>(total) * 1.05;  // 5% overcommit
            return static_cast<double>(total - free + request) * 100.0 / capacity;
          };
          return score(node.capacity.nano_cpus, state.cpus, ask.nano_cpus) +
                 score(node.capacity.memory_bytes, state.memory, ask.memory_bytes);
        };
        for (std::size_t node_i : fits) {
          double w = weight(node_i);
          double best = weight(chosen);
          if (w > best || (w == best && m_state[node_i].total > m_state[chosen].total)) {
            chosen = node_i;
          }
        }
      }
      add(service, chosen, c.spec, slot++);
    }
    return placed;
  }

  std::map<std::string, std::uint64_t> placement(std::size_t service) const {
    std::map<std::string, std::uint64_t> out;
    for (const TaskRec& task : m_tasks[service]) {
      if (task.active) {
        ++out[m_nodes[task.node].id];
      }
    }
    return out;
  }

  std::vector<TaskRec>& tasks(std::size_t service) { return m_tasks[service]; }
  void prefer(std::size_t node_i, bool value) { m_state[node_i].preferred = value; }
  std::vector<Node>& nodes() { return m_nodes; }
  const std::vector<std::size_t>& hostname_order() const { return m_by_hostname_order; }

 private:
  Options m_options;
  std::vector<Node> m_nodes;
  std::vector<NodeState> m_state;
  std::vector<std::size_t> m_by_hostname_order;
  std::unordered_map<std::string, std::size_t> m_node_index;
  std::unordered_map<std::string, std::size_t> m_service_index;
  std::vector<std::vector<TaskRec>> m_tasks;
  std::vector<Compiled> m_compiled;
  std::mt19937_64 m_rng{0};
};

void add_pending(std::vector<Pending>& pending, std::uint64_t count, const std::string& reason) {
  if (count == 0) {
    return;
  }
  std::string text = reason.empty() ? "no suitable node" : "no suitable node (" + reason + ")";
  for (Pending& entry : pending) {
    if (entry.reason == text) {
      entry.count += count;
      return;
    }
  }
  pending.push_back({count, text});
}

bool replicated(Mode mode) { return mode == Mode::replicated || mode == Mode::replicated_job; }

class Predictor {
 public:
  Predictor(const Cluster& cluster, const std::vector<ServiceRequest>& stack,
            const Options& options)
      : m_sim(cluster, options), m_cluster(cluster), m_stack(stack), m_options(options) {}

  Prediction run() {
    Prediction out;
    out.strategy = m_options.strategy;
    out.nodes = m_cluster.nodes;
    load_live();
    for (const ServiceRequest& request : m_stack) {
      out.services.push_back(deploy(request));
    }
    for (ServiceOutcome& outcome : out.services) {
      outcome.spofs = spofs(outcome);
    }
    what_ifs(out);
    return out;
  }

 private:
  const LiveService* live(const std::string& name) const {
    for (const LiveService& service : m_cluster.services) {
      if (service.name == name) {
        return &service;
      }
    }
    return nullptr;
  }

  void load_live() {
    for (const LiveService& service : m_cluster.services) {
      std::size_t index = m_sim.service(service.name);
      std::uint64_t next = 1;
      for (const Task& task : service.tasks) {
        auto node = m_sim.node_index(task.node_id);
        if (!node) {
          continue;
        }
        std::uint64_t slot = 0;
        if (replicated(service.spec.mode)) {
          slot = task.slot.empty() ? next : std::strtoull(task.slot.c_str(), nullptr, 10);
          next = std::max(next, slot + 1);
        }
        m_sim.add(index, *node, &service.spec, slot);
      }
    }
  }

  // Targets of a global service: nodes matching its constraints that take new tasks (§5).
  std::vector<std::size_t> global_targets(std::size_t index, const ServiceSpec& spec) {
    const Compiled& c = m_sim.compile(index, spec);
    std::vector<std::size_t> out;
    for (std::size_t node_i : m_sim.hostname_order()) {
      const Node& node = m_sim.nodes()[node_i];
      if (node.state == "down" || node.availability == "drain") {
        continue;
      }
      bool match = !c.constraints_ok ||
                   std::all_of(c.constraints.begin(), c.constraints.end(),
                               [&](const Constraint& k) { return node_matches(k, node); });
      if (match) {
        out.push_back(node_i);
      }
    }
    return out;
  }

  // Global: one task per target node; the node alone is checked, and the failure is the
  // bare explanation (taskFitNode).
  void reconcile_global(std::size_t index, const ServiceSpec& spec, ServiceOutcome& outcome) {
    const Compiled& c = m_sim.compile(index, spec);
    std::vector<std::size_t> targets = global_targets(index, spec);
    outcome.desired = targets.size();
    for (std::size_t node_i : targets) {
      bool has = false;
      for (const TaskRec& task : m_sim.tasks(index)) {
        has = has || (task.active && task.node == node_i);
      }
      if (has) {
        continue;
      }
      if (m_sim.nodes()[node_i].availability == "pause") {
        continue;  // keeps what it has, gets nothing new
      }
      int failed = m_sim.check(index, c, node_i);
      if (failed < 0) {
        m_sim.add(index, node_i, c.spec, 0);
        continue;
      }
      std::array<std::uint64_t, f_count> failures{};
      failures[failed] = 1;
      std::string reason = explain(failures);
      bool merged = false;
      for (Pending& entry : outcome.pending) {
        if (entry.reason == reason) {
          ++entry.count;
          merged = true;
        }
      }
      if (!merged) {
        outcome.pending.push_back({1, reason});
      }
      if (int never = m_sim.check(index, c, node_i, true); never >= 0) {
        ++outcome.never_placeable;
        outcome.never_reason = reason;
        outcome.never_cause = never == f_platform ? Cause::platform : Cause::resources;
      }
    }
  }

  // Scale a replicated service to `replicas`: remove from the nodes with the most copies,
  // highest slots first, or place the missing tasks as one group.
  void scale(std::size_t index, const ServiceSpec& spec, std::uint64_t replicas,
             ServiceOutcome& outcome) {
    std::vector<TaskRec>& tasks = m_sim.tasks(index);
    std::uint64_t active = 0;
    for (const TaskRec& task : tasks) {
      active += task.active ? 1 : 0;
    }
    if (active > replicas) {
      std::map<std::size_t, std::uint64_t> per_node;
      for (const TaskRec& task : tasks) {
        ++per_node[task.node];
      }
      std::vector<std::size_t> order(tasks.size());
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::make_pair(per_node[tasks[a].node], tasks[a].slot) <
               std::make_pair(per_node[tasks[b].node], tasks[b].slot);
      });
      std::vector<std::size_t> removed(order.begin() + static_cast<std::ptrdiff_t>(replicas),
                                       order.end());
      for (std::size_t i : removed) {
        m_sim.release(index, tasks[i]);
      }
      m_sim.forget(index, removed);
      return;
    }
    std::uint64_t missing = replicas - active;
    std::uint64_t placed = m_sim.place_group(index, spec, missing);
    if (placed < missing) {
      add_pending(outcome.pending, missing - placed,
                  m_sim.explain_all(index, m_sim.compile(index, spec)));
    }
  }

  // A rolling update: batches of `parallelism` slots get a task of the new spec (§6).
  void update(std::size_t index, const ServiceSpec& spec, ServiceOutcome& outcome) {
    const UpdatePolicy& policy = spec.update;
    bool start_first = policy.order == "start-first";
    std::vector<TaskRec> old = m_sim.tasks(index);
    m_sim.tasks(index).clear();
    std::sort(old.begin(), old.end(),
              [](const TaskRec& a, const TaskRec& b) { return a.slot < b.slot; });
    std::uint64_t p = policy.parallelism == 0 ? old.size() : policy.parallelism;
    p = std::max<std::uint64_t>(p, 1);
    std::vector<TaskRec> fresh;
    std::string hang;
    for (std::size_t begin = 0; begin < old.size(); begin += p) {
      std::size_t end = std::min<std::size_t>(old.size(), begin + p);
      std::uint64_t batch = end - begin;
      // The old tasks stay tracked (active only under start-first) while the new ones are
      // placed; their slot numbers carry over.
      m_sim.tasks(index) = fresh;
      if (!start_first) {
        for (std::size_t i = begin; i < end; ++i) {
          m_sim.tasks(index).push_back(old[i]);
          m_sim.deactivate(index, m_sim.tasks(index).back());
          old[i].active = false;
        }
      } else {
        m_sim.tasks(index).insert(m_sim.tasks(index).end(), old.begin() + begin, old.end());
      }
      std::size_t before = m_sim.tasks(index).size();
      for (std::size_t i = begin; i < end; ++i) {
        m_sim.prefer(old[i].node, true);
      }
      std::uint64_t placed = m_sim.place_group(index, spec, batch);
      for (std::size_t i = begin; i < end; ++i) {
        m_sim.prefer(old[i].node, false);
      }
      std::vector<TaskRec> added(m_sim.tasks(index).begin() + before, m_sim.tasks(index).end());
      m_sim.tasks(index).resize(before);
      for (std::size_t i = 0; i < added.size(); ++i) {
        added[i].slot = old[begin + i].slot;
      }
      if (placed < batch && hang.empty()) {
        hang = m_sim.explain_all(index, m_sim.compile(index, spec));
      }
      for (std::size_t i = begin; i < end; ++i) {
        m_sim.release(index, old[i]);
      }
      // Unplaced tasks are retried once the old ones are gone (stop-first); under
      // start-first the old tasks wait for them, and the update hangs.
      if (placed < batch && !start_first) {
        m_sim.tasks(index) = fresh;
        std::size_t mark = m_sim.tasks(index).size();
        std::uint64_t more = m_sim.place_group(index, spec, batch - placed);
        added.insert(added.end(), m_sim.tasks(index).begin() + mark, m_sim.tasks(index).end());
        placed += more;
        if (placed < batch) {
          add_pending(outcome.pending, batch - placed,
                      m_sim.explain_all(index, m_sim.compile(index, spec)));
        } else {
          hang.clear();
        }
      } else if (placed < batch) {
        add_pending(outcome.pending, batch - placed,
                    m_sim.explain_all(index, m_sim.compile(index, spec)));
      }
      fresh.insert(fresh.end(), added.begin(), added.end());
    }
    m_sim.tasks(index) = fresh;
    if (old.empty()) {
      return;  // nothing runs, nothing rolls
    }
    Rollout rollout = plan_rollout(old.size(), policy);
    if (!hang.empty() && start_first) {
      rollout.extra_capacity_problem = "no suitable node (" + hang + ")";
    }
    outcome.rollout = std::move(rollout);
  }

  // The filter most nodes fail for good (ties: pipeline order), as a cause.
  Cause static_cause(std::size_t index, const Compiled& c) {
    std::array<std::uint64_t, f_count> failures{};
    for (std::size_t i = 0; i < m_sim.nodes().size(); ++i) {
      int failed = m_sim.check(index, c, i, true);
      if (failed >= 0) {
        ++failures[failed];
      }
    }
    int top = f_resources;
    for (int filter : {f_resources, f_constraint, f_platform}) {
      top = failures[filter] > failures[top] ? filter : top;
    }
    return top == f_constraint ? Cause::constraints
           : top == f_platform ? Cause::platform
                               : Cause::resources;
  }

  // Preflight: what no node can ever take, whatever runs now.
  void never_placeable(std::size_t index, const ServiceSpec& spec, ServiceOutcome& outcome) {
    if (!replicated(spec.mode)) {
      return;  // reconcile_global counted them
    }
    const Compiled& c = m_sim.compile(index, spec);
    std::uint64_t eligible = 0;
    for (std::size_t i = 0; i < m_sim.nodes().size(); ++i) {
      eligible += m_sim.check(index, c, i, true) < 0 ? 1 : 0;
    }
    if (eligible == 0) {
      outcome.never_placeable = spec.replicas;
      outcome.never_reason = "no suitable node (" + m_sim.explain_all(index, c, true) + ")";
      outcome.never_cause = static_cause(index, c);
      return;
    }
    std::uint64_t per_node = spec.max_replicas > 0 ? spec.max_replicas : spec.replicas;
    std::string why;
    Cause cause = Cause::max_replicas;
    if (spec.max_replicas > 0) {
      why = fmt::format("max replicas per node limit exceed: {} per node on {} eligible node{}",
                        spec.max_replicas, eligible, eligible == 1 ? "" : "s");
    }
    if (!spec.host_ports.empty() && per_node > 1) {
      per_node = 1;
      cause = Cause::host_ports;
      why = fmt::format(
          "host-mode port {}/{} can be published once per node, on {} eligible "
          "node{}",
          spec.host_ports.front().port, spec.host_ports.front().protocol, eligible,
          eligible == 1 ? "" : "s");
    }
    if (per_node * eligible < spec.replicas) {
      outcome.never_cause = cause;
      outcome.never_placeable = spec.replicas - per_node * eligible;
      outcome.never_reason =
          fmt::format("{}: at most {} of {} replicas", why, per_node * eligible, spec.replicas);
    }
  }

  ServiceOutcome deploy(const ServiceRequest& request) {
    ServiceOutcome outcome;
    outcome.name = request.name;
    outcome.mode = request.spec.mode;
    outcome.change = request.change;
    std::size_t index = m_sim.service(request.name);
    outcome.now = m_sim.placement(index);
    const LiveService* current = live(request.name);
    Change change = current ? request.change : Change::create;
    if (replicated(request.spec.mode)) {
      outcome.desired = request.spec.replicas;
      never_placeable(index, request.spec, outcome);
      if (change == Change::update) {
        // The orchestrator reconciles the count first; the updater replaces the rest.
        scale(index, current->spec,
              std::min<std::uint64_t>(request.spec.replicas, m_sim.tasks(index).size()), outcome);
        std::uint64_t missing = request.spec.replicas - m_sim.tasks(index).size();
        update(index, request.spec, outcome);
        scale(index, request.spec, m_sim.tasks(index).size() + missing, outcome);
      } else {
        scale(index, request.spec, request.spec.replicas, outcome);
      }
    } else {
      if (change == Change::update) {
        // Tasks on nodes that still match are replaced in place; others stop.
        std::vector<TaskRec>& tasks = m_sim.tasks(index);
        std::vector<std::size_t> all(tasks.size());
        std::iota(all.begin(), all.end(), 0);
        std::uint64_t replaced = tasks.size();
        for (TaskRec& task : tasks) {
          m_sim.release(index, task);
        }
        m_sim.forget(index, all);
        if (replaced > 0) {
          outcome.rollout = plan_rollout(replaced, request.spec.update);
        }
      }
      reconcile_global(index, request.spec, outcome);
    }
    outcome.tasks = m_sim.placement(index);
    return outcome;
  }

  std::vector<std::string> spofs(const ServiceOutcome& outcome) {
    std::vector<std::string> out;
    std::uint64_t placed = 0;
    for (const auto& [node, count] : outcome.tasks) {
      placed += count;
    }
    if (placed == 0 || outcome.tasks.size() != 1) {
      return out;
    }
    const std::string& node_id = outcome.tasks.begin()->first;
    std::string host = node_id;
    for (const Node& node : m_cluster.nodes) {
      host = node.id == node_id ? node.hostname : host;
    }
    if (replicated(outcome.mode) && placed >= 2) {
      out.push_back(fmt::format("all {} replicas run on {}", placed, host));
    }
    // The swarm can restart a lost task elsewhere only if another node may take it.
    std::size_t index = m_sim.service(outcome.name);
    const ServiceRequest* request = nullptr;
    for (const ServiceRequest& r : m_stack) {
      request = r.name == outcome.name ? &r : request;
    }
    if (request) {
      const Compiled& c = m_sim.compile(index, request->spec);
      std::uint64_t eligible = 0;
      for (std::size_t i = 0; i < m_sim.nodes().size(); ++i) {
        eligible += m_sim.check(index, c, i, true) < 0 ? 1 : 0;
      }
      if (eligible <= 1) {
        out.push_back(
            fmt::format("only {} can run it: if {} goes down, the service stops until "
                        "it is back",
                        host, host));
      }
    }
    return out;
  }

  void what_ifs(Prediction& out) {
    std::vector<std::pair<std::string, std::string>> steps;
    for (const std::string& name : m_options.drain) {
      steps.emplace_back(name, "drain");
    }
    for (const std::string& name : m_options.down) {
      steps.emplace_back(name, "down");
    }
    std::map<std::string, const ServiceSpec*> stack_specs;
    for (const ServiceRequest& request : m_stack) {
      stack_specs[request.name] = &request.spec;
    }
    for (const auto& [name, kind] : steps) {
      std::optional<std::size_t> node_i;
      for (std::size_t i = 0; i < m_sim.nodes().size(); ++i) {
        const Node& node = m_sim.nodes()[i];
        if (node.hostname == name || node.id == name) {
          node_i = i;
        }
      }
      if (!node_i) {
        out.unknown_nodes.push_back(name);
        continue;
      }
      Node& node = m_sim.nodes()[*node_i];
      (kind == "drain" ? node.availability : node.state) = kind;
      WhatIf what;
      what.node_id = node.id;
      what.kind = kind;
      // Every service's tasks there restart elsewhere (§8); only the stack's are reported.
      std::vector<std::pair<std::string, const ServiceSpec*>> services;
      for (const LiveService& service : m_cluster.services) {
        if (!stack_specs.count(service.name)) {
          services.emplace_back(service.name, &service.spec);
        }
      }
      for (const auto& [service_name, spec] : stack_specs) {
        services.emplace_back(service_name, spec);
      }
      std::sort(services.begin(), services.end());
      for (const auto& [service_name, spec] : services) {
        std::size_t index = m_sim.service(service_name);
        std::vector<TaskRec>& tasks = m_sim.tasks(index);
        std::vector<std::size_t> leaving;
        for (std::size_t i = 0; i < tasks.size(); ++i) {
          if (tasks[i].node == *node_i && tasks[i].active) {
            leaving.push_back(i);
          }
        }
        if (leaving.empty()) {
          continue;
        }
        for (std::size_t i : leaving) {
          m_sim.release(index, tasks[i]);
        }
        m_sim.forget(index, leaving);
        WhatIf::Moved moved;
        moved.service = service_name;
        if (!replicated(spec->mode)) {
          moved.lost_global = leaving.size();
        } else {
          std::map<std::string, std::uint64_t> before = m_sim.placement(index);
          std::uint64_t placed = m_sim.place_group(index, *spec, leaving.size());
          for (const auto& [id, count] : m_sim.placement(index)) {
            std::uint64_t was = before.count(id) ? before[id] : 0;
            if (count > was) {
              moved.to[id] = count - was;
            }
          }
          if (placed < leaving.size()) {
            add_pending(moved.pending, leaving.size() - placed,
                        m_sim.explain_all(index, m_sim.compile(index, *spec)));
          }
        }
        if (stack_specs.count(service_name)) {
          what.services.push_back(std::move(moved));
        }
      }
      out.what_ifs.push_back(std::move(what));
    }
    if (!steps.empty()) {
      for (const ServiceRequest& request : m_stack) {
        std::size_t index = m_sim.service(request.name);
        out.after_what_ifs[request.name] = m_sim.placement(index);
        std::uint64_t placed = 0;
        for (const auto& [node, count] : out.after_what_ifs[request.name]) {
          placed += count;
        }
        if (replicated(request.spec.mode) && placed < request.spec.replicas) {
          std::string reason = m_sim.explain_all(index, m_sim.compile(index, request.spec));
          out.pending_after_what_ifs[request.name] = {
              request.spec.replicas - placed,
              reason.empty() ? "no suitable node" : "no suitable node (" + reason + ")"};
        }
      }
    }
  }

  Sim m_sim;
  const Cluster& m_cluster;
  const std::vector<ServiceRequest>& m_stack;
  Options m_options;
};

}  // namespace

std::vector<Finding> preflight_findings(const Prediction& prediction) {
  std::vector<Finding> out;
  auto tasks = [](std::uint64_t n) { return fmt::format("{} task{}", n, n == 1 ? "" : "s"); };
  for (const ServiceOutcome& s : prediction.services) {
    std::uint64_t pending = 0;
    for (const Pending& p : s.pending) {
      pending += p.count;
    }
    if (s.never_placeable > 0) {
      out.push_back({true, s.name, s.never_cause, false,
                     fmt::format("service {}: {} no node of this swarm can ever take: {}", s.name,
                                 tasks(s.never_placeable), s.never_reason)});
    } else if (pending > 0) {
      out.push_back({false, s.name, Cause::none, false,
                     fmt::format("service {}: {} would stay pending while the swarm runs what it "
                                 "runs now: {}",
                                 s.name, tasks(pending), s.pending.front().reason)});
    }
    if (s.rollout && s.rollout->tasks > 0) {
      const Rollout& r = *s.rollout;
      if (r.min_running == 0) {
        out.push_back({false, s.name, Cause::none, true,
                       fmt::format("service {}: this update stops all {} at once (order {}, "
                                   "parallelism {}): no replica runs until the new ones start",
                                   s.name, tasks(r.tasks), r.order, r.parallelism)});
      }
      if (!r.extra_capacity_problem.empty()) {
        out.push_back({false, s.name, Cause::none, true,
                       fmt::format("service {}: start-first needs room for {} beside the old "
                                   "ones and there is none ({}); the update will wait",
                                   s.name, tasks(r.extra_tasks), r.extra_capacity_problem)});
      }
    }
  }
  return out;
}

Prediction predict(const Cluster& cluster, const std::vector<ServiceRequest>& stack,
                   const Options& options) {
  return Predictor(cluster, stack, options).run();
}

}  // namespace stackc::swarm::sched
