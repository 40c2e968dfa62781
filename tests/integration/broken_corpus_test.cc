// The broken-stack corpus (tests/lint/broken/) against both tools: `stackc lint` must reject
// every file with an error at each line marked `# expect: STKnnn`, and the reference must
// really fail on it the way the file's `# reference:` line says:
//   config-rejected  `docker stack config` refuses the file (offline);
//   deploy-failed    config passes, `docker stack deploy` on the lab exits non-zero, nothing left;
//   half-applied     deploy exits non-zero after it created some of the stack's objects;
//   tasks-fail       deploy exits 0 but no task of some service runs (rejected, pending forever).
// tests/lint/accepted/ holds files stackc flags but the reference takes (`# reference:
// accepted`): config must pass there, so that a file cannot sit in the wrong folder.
// The other half: tests/stacks/valid/ holds realistic stacks (ours, shaped like well-known public
// ones) that lint must pass without an error and docker stack config must accept.
// Lab deploys run in parallel under stack names lc<random><n> and are removed afterwards.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/process.h"

namespace stackc {
namespace {

namespace fs = std::filesystem;
using testing::run;
using testing::RunOptions;

const fs::path k_lint_dir = fs::path(STACKC_SOURCE_DIR) / "tests" / "lint";
const std::string k_stackc = std::string(STACKC_BINARY_DIR) + "/cli/stackc";

struct CorpusFile {
  fs::path path;
  std::string name;     // file name, as given to both tools (they run in its directory)
  std::string outcome;  // the `# reference:` value
  std::vector<std::pair<int, std::string>> expected;  // line, code
};

std::vector<CorpusFile> load_corpus(const std::string& folder) {
  static const std::regex k_expect("#\\s*expect:\\s*(STK[0-9]{3})");
  static const std::regex k_reference("^#\\s*reference:\\s*([a-z-]+)");
  std::vector<CorpusFile> out;
  for (const auto& entry : fs::directory_iterator(k_lint_dir / folder)) {
    if (entry.path().extension() != ".yml") {
      continue;
    }
    CorpusFile file{entry.path(), entry.path().filename().string(), "", {}};
    std::ifstream in(entry.path());
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      std::smatch match;
      if (std::regex_search(line, match, k_expect)) {
        file.expected.emplace_back(number, match[1]);
      }
      if (std::regex_search(line, match, k_reference)) {
        file.outcome = match[1];
      }
    }
    out.push_back(std::move(file));
  }
  std::sort(out.begin(), out.end(),
            [](const CorpusFile& a, const CorpusFile& b) { return a.name < b.name; });
  return out;
}

testing::ProcessResult in_dir_of(const CorpusFile& file, std::vector<std::string> argv) {
  return run(
      argv,
      RunOptions().in_dir(file.path.parent_path().string()).with_timeout(std::chrono::seconds(60)));
}

testing::ProcessResult docker_config(const CorpusFile& file) {
  return in_dir_of(file, {"docker", "stack", "config", "-c", file.name});
}

// Runs `work(i)` for i in [0, count) on `threads` threads.
void parallel_for(size_t count, size_t threads, const std::function<void(size_t)>& work) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (size_t t = 0; t < std::min(threads, count); ++t) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < count; i = next++) {
        work(i);
      }
    });
  }
  for (std::thread& thread : pool) {
    thread.join();
  }
}

// GET on the engine API through curl: far cheaper than a docker CLI process on a loaded
// machine, and the deploy test makes hundreds of these.
std::string api_get(const std::string& path) {
  auto result = run({"curl", "-sS", "--fail", "--unix-socket", "/var/run/docker.sock",
                     "http://localhost/v1.41" + path},
                    RunOptions().with_timeout(std::chrono::seconds(30)));
  EXPECT_TRUE(result.ok()) << result.describe();
  return result.out;
}

std::string label_filter(const std::string& stack) {
  // {"label":["com.docker.stack.namespace=<stack>"]}, URL-encoded.
  return "filters=%7B%22label%22%3A%5B%22com.docker.stack.namespace%3D" + stack + "%22%5D%7D";
}

// "kind name" of each object the stack has on the engine.
std::vector<std::string> stack_objects(const std::string& stack) {
  static const std::regex k_name("\"Name\":\"([^\"]+)\"");
  std::vector<std::string> out;
  for (const char* kind : {"services", "networks", "secrets", "configs"}) {
    std::string listed = api_get(std::string("/") + kind + "?" + label_filter(stack));
    if (listed.find('{') != std::string::npos) {
      std::smatch match;
      std::string name = std::regex_search(listed, match, k_name) ? match[1].str() : "?";
      out.push_back(std::string(kind) + " " + name +
                    (listed.find("},{") != std::string::npos ? " (and more)" : ""));
    }
  }
  return out;
}

// True when every service of the stack has at least one running task.
bool all_services_running(const std::string& stack) {
  std::string services = api_get("/services?status=true&" + label_filter(stack));
  return services.find("\"RunningTasks\":") != std::string::npos &&
         services.find("\"RunningTasks\":0") == std::string::npos;
}

struct DeployVerdict {
  std::string stack;
  bool deployed = false;  // docker stack deploy exited 0
  std::string outcome;
  std::string detail;  // what the reference said or left, for the failure message
};

TEST(BrokenCorpus, EveryFileDeclaresAnOutcomeAndALine) {
  auto corpus = load_corpus("broken");
  EXPECT_GE(corpus.size(), 60u);
  static const std::set<std::string> k_outcomes = {"config-rejected", "deploy-failed",
                                                   "half-applied", "tasks-fail"};
  for (const CorpusFile& file : corpus) {
    EXPECT_EQ(k_outcomes.count(file.outcome), 1u) << file.name << ": " << file.outcome;
    EXPECT_FALSE(file.expected.empty()) << file.name;
  }
  for (const CorpusFile& file : load_corpus("accepted")) {
    EXPECT_EQ(file.outcome, "accepted") << file.name;
    EXPECT_FALSE(file.expected.empty()) << file.name;
  }
}

// stackc lint exits 1 and prints `file:line:col: error: ... [CODE]` at every marked line. One
// call for the whole corpus: positional files are linted as separate stacks, as one-file calls
// would, and one process is much cheaper than seventy on a loaded machine.
TEST(BrokenCorpus, StackcLintRejectsEveryFileAtTheMarkedLine) {
  auto corpus = load_corpus("broken");
  ASSERT_FALSE(corpus.empty());
  std::vector<std::string> argv = {k_stackc, "lint", "--format", "text"};
  for (const CorpusFile& file : corpus) {
    argv.push_back(file.name);
  }
  auto lint = in_dir_of(corpus[0], argv);
  EXPECT_EQ(lint.exit_code, 1) << lint.describe();
  for (const CorpusFile& file : corpus) {
    SCOPED_TRACE(file.name);
    for (const auto& [line, code] : file.expected) {
      std::regex located(fmt::format("(^|\n){}:{}:[0-9]+: error: [^\n]*\\[{}\\]",
                                     std::regex_replace(file.name, std::regex("\\."), "\\."), line,
                                     code));
      EXPECT_TRUE(std::regex_search(lint.out, located))
          << "no error " << code << " at line " << line;
    }
  }
  // And one file alone behaves the same: exit 1, the location first on the line.
  auto single = in_dir_of(corpus[0], {k_stackc, "lint", corpus[0].name});
  EXPECT_EQ(single.exit_code, 1) << single.describe();
  EXPECT_THAT(single.out, ::testing::StartsWith(corpus[0].name + ":"));
}

// The files the reference takes: stackc still reports them, at any severity.
TEST(BrokenCorpus, AcceptedFilesPassTheReferenceAndStackcStillFlagsThem) {
  for (const CorpusFile& file : load_corpus("accepted")) {
    SCOPED_TRACE(file.name);
    auto config = docker_config(file);
    EXPECT_TRUE(config.ok()) << config.describe();
    auto lint = in_dir_of(file, {k_stackc, "lint", file.name});
    for (const auto& [line, code] : file.expected) {
      EXPECT_THAT(lint.out, ::testing::ContainsRegex(fmt::format("{}:{}:[0-9]+: [a-z]+: .*\\[{}\\]",
                                                                 file.name, line, code)))
          << lint.out;
    }
  }
}

// `docker stack config` refuses exactly the files marked config-rejected.
TEST(BrokenCorpus, ReferenceConfigRefusesExactlyTheConfigRejectedFiles) {
  auto corpus = load_corpus("broken");
  std::vector<testing::ProcessResult> results(corpus.size());
  parallel_for(corpus.size(), 4, [&](size_t i) { results[i] = docker_config(corpus[i]); });
  for (size_t i = 0; i < corpus.size(); ++i) {
    SCOPED_TRACE(corpus[i].name);
    EXPECT_FALSE(results[i].timed_out);
    if (corpus[i].outcome == "config-rejected") {
      EXPECT_NE(results[i].exit_code, 0) << "docker stack config accepted it";
    } else {
      EXPECT_EQ(results[i].exit_code, 0) << results[i].describe();
    }
  }
}

// The files `docker stack config` takes fail on the lab as declared.
TEST(BrokenCorpus, ReferenceDeployFailsOrHalfAppliesTheOthers) {
  auto ready = run({"docker", "info", "--format", "{{.Swarm.ControlAvailable}}"});
  ASSERT_EQ(testing::trim(ready.out), "true")
      << "the swarm lab is not up (run scripts/swarm-lab up):\n"
      << ready.describe();
  std::vector<CorpusFile> corpus;
  for (CorpusFile& file : load_corpus("broken")) {
    if (file.outcome != "config-rejected") {
      corpus.push_back(std::move(file));
    }
  }
  ASSERT_FALSE(corpus.empty());
  std::random_device device;
  const std::string prefix = fmt::format("lc{:04x}", device() & 0xffff);
  std::vector<DeployVerdict> verdicts(corpus.size());
  // 1. Deploy every file; a failed deploy is judged by what it left behind.
  parallel_for(corpus.size(), 8, [&](size_t i) {
    DeployVerdict& verdict = verdicts[i];
    verdict.stack = fmt::format("{}{}", prefix, i);
    auto deploy = in_dir_of(corpus[i], {"docker", "stack", "deploy", "--resolve-image", "never",
                                        "-c", corpus[i].name, verdict.stack});
    verdict.deployed = deploy.ok();
    if (!verdict.deployed) {
      auto left = stack_objects(verdict.stack);
      verdict.outcome = left.empty() ? "deploy-failed" : "half-applied";
      verdict.detail = deploy.describe() + fmt::format(" left: [{}]", fmt::join(left, ", "));
    }
  });
  // 2. The deployed ones: the images are on every lab node and nothing is pulled, so a sound
  // service runs within seconds; a broken one never does. One shared deadline for all.
  std::vector<size_t> deployed;
  for (size_t i = 0; i < corpus.size(); ++i) {
    if (verdicts[i].deployed) {
      deployed.push_back(i);
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  parallel_for(deployed.size(), 8, [&](size_t k) {
    DeployVerdict& verdict = verdicts[deployed[k]];
    auto left = deadline - std::chrono::steady_clock::now();
    bool running =
        testing::poll_until([&] { return all_services_running(verdict.stack); },
                            std::max(std::chrono::duration_cast<std::chrono::milliseconds>(left),
                                     std::chrono::milliseconds(1000)),
                            std::chrono::seconds(2));
    verdict.outcome = running ? "accepted" : "tasks-fail";
    if (verdict.outcome != corpus[deployed[k]].outcome) {  // only a failure needs the story
      auto tasks = run({"docker", "stack", "ps", verdict.stack, "--no-trunc", "--format",
                        "{{.Name}} {{.CurrentState}} {{.Error}}"});
      verdict.detail = "tasks: " + tasks.out;
    }
  });
  // 3. Remove every stack, then wait until none of their objects is left.
  parallel_for(verdicts.size(), 8, [&](size_t i) {
    run({"docker", "stack", "rm", verdicts[i].stack});
  });
  bool clean = testing::poll_until(
      [&] {
        for (const char* kind : {"services", "networks", "secrets", "configs"}) {
          if (api_get(std::string("/") + kind).find("\"Name\":\"" + prefix) != std::string::npos) {
            return false;
          }
        }
        return true;
      },
      std::chrono::seconds(60), std::chrono::seconds(1));
  EXPECT_TRUE(clean) << "objects of stacks " << prefix << "* are left on the lab";
  std::map<std::string, int> tally;
  for (size_t i = 0; i < corpus.size(); ++i) {
    SCOPED_TRACE(corpus[i].name);
    ++tally[verdicts[i].outcome];
    EXPECT_EQ(verdicts[i].outcome, corpus[i].outcome) << verdicts[i].detail;
  }
  for (const auto& [outcome, count] : tally) {
    std::cout << outcome << ": " << count << "\n";
  }
}

TEST(RealWorldStacks, LintFindsNoErrorAndTheReferenceAcceptsThem) {
  const fs::path dir = fs::path(STACKC_SOURCE_DIR) / "tests" / "stacks" / "valid";
  size_t count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".yml") {
      continue;
    }
    ++count;
    const std::string name = entry.path().filename().string();
    SCOPED_TRACE(name);
    auto options = RunOptions().in_dir(dir.string()).with_timeout(std::chrono::seconds(60));
    auto lint = run({k_stackc, "lint", name}, options);
    EXPECT_EQ(lint.exit_code, 0) << lint.describe() << lint.out;
    EXPECT_THAT(lint.out, ::testing::Not(::testing::HasSubstr(": error: "))) << lint.out;
    auto config = run({"docker", "stack", "config", "-c", name}, options);
    EXPECT_TRUE(config.ok()) << config.describe();
  }
  EXPECT_GE(count, 6u);
}

}  // namespace
}  // namespace stackc
