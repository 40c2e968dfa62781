// The scheduler model alone, in process: 1000 services x 10 replicas on 500 nodes (the same
// shape as bench/schedule's stack), timed around predict(), with the process's peak RSS.
// bench/schedule measures the whole `stackc schedule` process; this isolates the model.
//   build-release/bench/schedule_bench

#include <sys/resource.h>

#include <chrono>
#include <cstdio>

#include "backends/swarm/schedule.h"

using namespace stackc::swarm::sched;

int main() {
  Cluster cluster;
  for (int i = 0; i < 500; ++i) {
    Node node;
    node.id = "n" + std::to_string(i);
    node.hostname = "node" + std::to_string(i);
    node.role = i % 10 == 0 ? "manager" : "worker";
    node.capacity.nano_cpus = 4'000'000'000;
    node.capacity.memory_bytes = 8LL << 30;
    node.labels["zone"] = "z" + std::to_string(i % 5);
    cluster.nodes.push_back(node);
  }
  std::vector<ServiceRequest> stack;
  for (int i = 0; i < 1000; ++i) {
    ServiceRequest s;
    s.name = "s" + std::to_string(i);
    s.spec.replicas = 10;
    if (i % 3 == 0) {
      s.spec.constraints.push_back("node.labels.zone==z" + std::to_string(i % 5));
    }
    if (i % 5 == 0) {
      s.spec.preferences.push_back("node.labels.zone");
    }
    if (i % 50 == 0) {
      s.spec.max_replicas = 1;
    }
    if (i % 2 == 0) {
      s.spec.reservations.nano_cpus = 50'000'000;
      s.spec.reservations.memory_bytes = 32LL << 20;
    }
    stack.push_back(s);
  }
  double best = 1e9;
  std::uint64_t placed = 0;
  for (int run = 0; run < 5; ++run) {
    auto start = std::chrono::steady_clock::now();
    Prediction p = predict(cluster, stack, {});
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    best = std::min(best, ms);
    placed = 0;
    for (const ServiceOutcome& s : p.services) {
      for (const auto& [node, n] : s.tasks) {
        placed += n;
      }
    }
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "predict(): 1000 services x 10 replicas on 500 nodes: %.1f ms (best of 5), %llu "
      "tasks placed, peak RSS %.1f MiB\n",
      best, static_cast<unsigned long long>(placed), static_cast<double>(usage.ru_maxrss) / 1024.0);
  return 0;
}
