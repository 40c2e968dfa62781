// Times parse_yaml on stack files: `yaml_bench FILE [RUNS]`. Prints the best and median wall
// time of RUNS parses (default 20) and the tree size; run one parse under `/usr/bin/time -v`
// (RUNS = 1) for peak RSS. Files come from bench/gen-stack.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include "compiler/diag.h"
#include "compiler/source.h"
#include "compiler/yaml.h"

namespace {

size_t count_nodes(const stackc::SNode& node) {
  size_t count = 1;
  for (const stackc::SNode& item : node.items) {
    count += count_nodes(item);
  }
  for (const stackc::SEntry& entry : node.entries) {
    count += count_nodes(entry.value);
  }
  return count;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: yaml_bench FILE [RUNS]\n");
    return 2;
  }
  int runs = argc == 3 ? std::atoi(argv[2]) : 20;
  stackc::SourceManager sources;
  auto file = sources.load(argv[1]);
  if (!file) {
    std::fprintf(stderr, "%s\n", file.error().c_str());
    return 2;
  }
  std::vector<double> times;
  std::vector<double> cpu_times;  // CPU time says more than wall time on a shared machine
  size_t nodes = 0;
  for (int i = 0; i < std::max(runs, 1); ++i) {
    stackc::Diagnostics diags;
    auto start = std::chrono::steady_clock::now();
    std::clock_t cpu_start = std::clock();
    std::optional<stackc::SNode> root = stackc::parse_yaml(**file, diags);
    times.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    cpu_times.push_back(1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
    if (!root) {
      stackc::print_diagnostics(std::cerr, diags, stackc::Color::off);
      return 1;
    }
    nodes = count_nodes(*root);
  }
  std::sort(times.begin(), times.end());
  std::sort(cpu_times.begin(), cpu_times.end());
  std::printf(
      "%s: %zu bytes, %zu nodes, wall best %.2f ms median %.2f ms, CPU best %.2f ms median "
      "%.2f ms, %zu runs\n",
      argv[1], (*file)->text().size(), nodes, times.front(), times[times.size() / 2],
      cpu_times.front(), cpu_times[cpu_times.size() / 2], times.size());
  return 0;
}
