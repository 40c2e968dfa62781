// The CI recipes in examples/ci, run against the lab. Each recipe's YAML is read with stackc's own
// YAML layer and its shell steps (GitHub `run:`, GitLab `before_script:`/`script:`) are executed
// in bash as the CI system runs them (-eo pipefail, GITHUB_ENV carried between steps, `extends`
// resolved). What only CI has is stood in for:
//   - installing stackc (the step with id install-stackc, the .install_stackc lines): the
//     built stackc is first on PATH;
//   - actions: checkout is the workspace made here, upload-sarif checks the file is SARIF 2.1.0;
//   - posting the comment: `gh` and `curl` stubs that keep the body they were given;
//   - variables and secrets: the stack name (prefix shp), the stack file, and the lab's engine
//     socket as the "TLS endpoint" (the recipes' TLS settings are then ignored, as the docker
//     CLI ignores them for a unix socket: the TLS path itself is not run here).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/diag.h"
#include "compiler/snode.h"
#include "compiler/source.h"
#include "compiler/yaml.h"
#include "tests/integration/lab_stack.h"
#include "tests/integration/process.h"

namespace stackc::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const std::string k_source = STACKC_SOURCE_DIR;
const std::string k_recipes = k_source + "/examples/ci/";
const std::string k_folder = k_source + "/tests/stacks/ship";

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A parsed recipe; the SourceFile outlives the tree that points into it.
struct Recipe {
  std::unique_ptr<SourceFile> file;
  SNode root;
};

Recipe load(const std::string& name) {
  Recipe recipe;
  recipe.file = std::make_unique<SourceFile>(k_recipes + name, read_text(k_recipes + name));
  Diagnostics diags;
  auto root = parse_yaml(*recipe.file, diags);
  EXPECT_TRUE(root.has_value()) << name << " is not valid YAML";
  if (root) {
    recipe.root = std::move(*root);
  }
  return recipe;
}

std::string text_at(const SNode& node, std::string_view key) {
  const SNode* found = node.find(key);
  return found != nullptr && found->is_scalar() ? found->text : std::string();
}

// Scalars of a sequence, nested sequences flattened (as GitLab does with anchored lists).
void flatten(const SNode& node, std::vector<std::string>& out) {
  if (node.is_sequence()) {
    for (const SNode& item : node.items) {
      flatten(item, out);
    }
  } else if (node.is_scalar()) {
    out.push_back(node.text);
  }
}

struct JobResult {
  bool ok = true;
  int exit_code = 0;
  std::string failed_step;
  std::string log;
};

// One CI run's surroundings: the checked-out workspace, a temp dir, stubs first on PATH.
class CiRun {
 public:
  explicit CiRun(const std::string& stack) {
    m_root = fs::temp_directory_path() / ("stackc-ci-" + stack);
    fs::remove_all(m_root);
    fs::create_directories(m_root / "workspace");
    fs::create_directories(m_root / "temp");
    fs::create_directories(m_root / "stubs");
    fs::copy_file(k_folder + "/stack.yml", m_root / "workspace/stack.yml");
    // gh: `--edit-last` fails as on a pull request without an earlier comment, so the recipe's
    // fallback posts a new one. Both stubs keep the posted body in comment.md.
    stub("gh", R"(for a; do [ "$next" = 1 ] && cat "$a" > "$STUBS/comment.md"; next=0
  [ "$a" = --body-file ] && next=1; [ "$a" = --edit-last ] && edit=1; done
[ -z "$edit" ])");
    stub("curl",
         R"(for a; do case $a in body@*) cat "${a#body@}" > "$STUBS/comment.md" ;; esac; done)");
    std::ofstream(m_root / "ca.pem") << "stand-in\n";
    m_env = {
        {"STUBS", (m_root / "stubs").string()},
        {"PATH", (m_root / "stubs").string() + ":" +
                     fs::path(built_stackc()).parent_path().string() + ":" + std::getenv("PATH")}};
  }
  ~CiRun() { fs::remove_all(m_root); }

  fs::path workspace() const { return m_root / "workspace"; }
  fs::path temp() const { return m_root / "temp"; }
  std::string comment() const { return read_text(m_root / "stubs/comment.md"); }
  std::string ca_file() const { return (m_root / "ca.pem").string(); }

  // Runs a shell script as a CI runner does: bash -eo pipefail in the workspace.
  ProcessResult shell(const std::string& script,
                      const std::vector<std::pair<std::string, std::string>>& env) const {
    RunOptions options = RunOptions().in_dir(workspace()).with_timeout(std::chrono::seconds(300));
    for (const auto& [key, value] : m_env) {
      options.with_env(key, value);
    }
    for (const auto& [key, value] : env) {
      options.with_env(key, value);
    }
    return run({"bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script}, options);
  }

  static std::string built_stackc() { return std::string(STACKC_BINARY_DIR) + "/cli/stackc"; }

 private:
  void stub(const std::string& name, const std::string& body) {
    fs::path path = m_root / "stubs" / name;
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    fs::permissions(path, fs::perms::owner_all);
  }

  fs::path m_root;
  std::vector<std::pair<std::string, std::string>> m_env;
};

// ---- GitHub Actions ---------------------------------------------------------------------------

class GitHubJob {
 public:
  GitHubJob(const CiRun& ci, std::map<std::string, std::string> expressions)
      : m_ci(ci), m_expressions(std::move(expressions)) {}

  // `${{ vars.STACK }}` -> its stand-in; an expression the test does not know fails it.
  std::string substitute(std::string text) const {
    for (std::size_t at = text.find("${{"); at != std::string::npos; at = text.find("${{", at)) {
      std::size_t end = text.find("}}", at);
      std::string expression = trim(text.substr(at + 3, end - at - 3));
      expression.erase(0, expression.find_first_not_of(' '));
      auto found = m_expressions.find(expression);
      EXPECT_NE(found, m_expressions.end()) << "no stand-in for ${{ " << expression << " }}";
      std::string value = found == m_expressions.end() ? "" : found->second;
      text.replace(at, end + 2 - at, value);
      at += value.size();
    }
    return text;
  }

  void add_env(const SNode* env, std::vector<std::pair<std::string, std::string>>& out) const {
    if (env == nullptr) {
      return;
    }
    for (const SEntry& entry : env->entries) {
      out.emplace_back(entry.key, substitute(entry.value.text));
    }
  }

  // Runs the job's steps in order; after a failure only `if: always()` steps run.
  JobResult run_job(const SNode& workflow, const std::string& job) const {
    JobResult result;
    const SNode* node = workflow.find("jobs")->find(job);
    EXPECT_NE(node, nullptr) << job;
    std::vector<std::pair<std::string, std::string>> env = {{"RUNNER_TEMP", m_ci.temp().string()},
                                                            {"GITHUB_ACTIONS", "true"}};
    add_env(workflow.find("env"), env);
    add_env(node->find("env"), env);
    const fs::path github_env = m_ci.temp() / "github_env";
    for (const SNode& step : node->find("steps")->items) {
      if (!result.ok && text_at(step, "if") != "always()") {
        continue;
      }
      std::string uses = text_at(step, "uses");
      if (!uses.empty()) {
        stand_in(uses, step);
        continue;
      }
      if (text_at(step, "id") == "install-stackc") {
        continue;  // stackc is on PATH already
      }
      std::vector<std::pair<std::string, std::string>> step_env = env;
      add_env(step.find("env"), step_env);
      std::ofstream(github_env).close();
      step_env.emplace_back("GITHUB_ENV", github_env.string());
      ProcessResult ran = m_ci.shell(substitute(text_at(step, "run")), step_env);
      result.log += ran.out + ran.err;
      if (!ran.ok() && result.ok) {
        result = {false, ran.exit_code, text_at(step, "name"), result.log};
      }
      for (const std::string& line : lines(read_text(github_env))) {
        std::size_t equals = line.find('=');
        env.emplace_back(line.substr(0, equals), line.substr(equals + 1));
      }
    }
    return result;
  }

 private:
  void stand_in(const std::string& uses, const SNode& step) const {
    if (uses.starts_with("actions/checkout@")) {
      return;
    }
    if (uses.starts_with("github/codeql-action/upload-sarif@")) {
      std::string file = text_at(*step.find("with"), "sarif_file");
      auto sarif = nlohmann::json::parse(read_text(m_ci.workspace() / file), nullptr, false);
      EXPECT_FALSE(sarif.is_discarded()) << file << " is not JSON";
      if (!sarif.is_discarded()) {
        EXPECT_EQ(sarif.value("version", ""), "2.1.0");
        EXPECT_TRUE(sarif.contains("runs"));
      }
      return;
    }
    ADD_FAILURE() << "no stand-in for the action " << uses;
  }

  const CiRun& m_ci;
  std::map<std::string, std::string> m_expressions;
};

bool diff_has_markdown() {
  auto help = run({CiRun::built_stackc(), "diff", "--help"});
  return help.out.find("markdown") != std::string::npos;
}

class CiRecipesTest : public LabStackTest {
 protected:
  CiRecipesTest() : LabStackTest("shp", k_folder) {}

  std::map<std::string, std::string> github_expressions() const {
    return {{"vars.STACK", m_stack},
            {"vars.STACK_FILE", "stack.yml"},
            {"github.token", "stand-in-token"},
            {"github.event.pull_request.number", "7"},
            {"secrets.SWARM_HOST", "unix:///var/run/docker.sock"},
            {"secrets.SWARM_CA", "stand-in"},
            {"secrets.SWARM_CERT", "stand-in"},
            {"secrets.SWARM_KEY", "stand-in"}};
  }

  // Changes the live service behind the files' back, as a hand-run `docker service update`.
  void drift() {
    auto updated =
        run({"docker", "service", "update", "--detach", "--env-add", "DRIFT=1", name("web")});
    ASSERT_TRUE(updated.ok()) << updated.describe();
  }

  // The pull-request diff: exit 3 tolerated, the markdown posted as the comment.
  void expect_posted_diff(const JobResult& diff, const CiRun& ci) {
    if (!diff_has_markdown()) {
      // `diff --format markdown` (issue 12, item 3) is not in this build yet: the recipe's steps
      // run up to the diff, which stackc refuses as a usage error.
      EXPECT_FALSE(diff.ok);
      EXPECT_EQ(diff.exit_code, 1) << diff.log;  // the `[ status -eq 0 ] || [ ... 3 ]` test
      EXPECT_THAT(diff.log, HasSubstr("markdown"));
      std::cout << "note: stackc diff has no --format markdown yet; the comment is not checked\n";
      return;
    }
    EXPECT_TRUE(diff.ok) << diff.failed_step << ": " << diff.log;
    EXPECT_THAT(ci.comment(), HasSubstr(name("web")));
  }
};

TEST_F(CiRecipesTest, GitHubPullRequestLintsAndPostsTheDiff) {
  Recipe workflow = load("github-actions.yml");
  const SNode& jobs = *workflow.root.find("jobs");
  EXPECT_EQ(text_at(*jobs.find("diff"), "if"), "github.event_name == 'pull_request'");
  CiRun ci(m_stack);
  GitHubJob runner(ci, github_expressions());
  JobResult lint = runner.run_job(workflow.root, "lint");
  EXPECT_TRUE(lint.ok) << lint.failed_step << ": " << lint.log;
  expect_posted_diff(runner.run_job(workflow.root, "diff"), ci);
  EXPECT_TRUE(list("service").empty()) << "a pull request deployed something";
}

TEST_F(CiRecipesTest, GitHubMainDeploysAndTheNightlyDriftCheckFailsOnDrift) {
  Recipe workflow = load("github-actions.yml");
  Recipe nightly = load("github-drift.yml");
  EXPECT_EQ(text_at(*workflow.root.find("jobs")->find("deploy"), "if"),
            "github.event_name == 'push' && github.ref == 'refs/heads/main'");
  EXPECT_NE(nightly.root.find("on")->find("schedule"), nullptr);
  CiRun ci(m_stack);
  GitHubJob runner(ci, github_expressions());
  JobResult deployed = runner.run_job(workflow.root, "deploy");
  ASSERT_TRUE(deployed.ok) << deployed.failed_step << ": " << deployed.log;
  EXPECT_EQ(inspect("web", "{{.Spec.TaskTemplate.ContainerSpec.Image}}"), "nginx:1.19");

  JobResult clean = runner.run_job(nightly.root, "drift");
  EXPECT_TRUE(clean.ok) << clean.failed_step << ": " << clean.log;
  drift();
  JobResult drifted = runner.run_job(nightly.root, "drift");
  EXPECT_FALSE(drifted.ok);
  EXPECT_EQ(drifted.exit_code, 3) << drifted.log;
  EXPECT_EQ(drifted.failed_step, "Compare the swarm with main");
}

// ---- GitLab CI --------------------------------------------------------------------------------

class GitLabJobs {
 public:
  GitLabJobs(const CiRun& ci, const SNode& pipeline, std::string stack)
      : m_ci(ci), m_pipeline(pipeline), m_stack(std::move(stack)) {
    flatten(*pipeline.find(".install_stackc"), m_install);
  }

  // The job with its `extends` chain merged in (top-level keys: the job's own win).
  SNode resolved(const std::string& job) const {
    SNode merged = *m_pipeline.find(job);
    std::string parent = text_at(merged, "extends");
    while (!parent.empty()) {
      const SNode* base = m_pipeline.find(parent);
      EXPECT_NE(base, nullptr) << parent;
      for (const SEntry& entry : base->entries) {
        if (merged.find(entry.key) == nullptr) {
          merged.entries.push_back(entry);
        } else if (entry.key == "variables") {
          for (const SEntry& variable : entry.value.entries) {
            if (merged.find("variables")->find(variable.key) == nullptr) {
              merged.find("variables")->entries.push_back(variable);
            }
          }
        }
      }
      parent = text_at(*base, "extends");
    }
    return merged;
  }

  JobResult run_job(const std::string& name) const {
    SNode job = resolved(name);
    std::vector<std::string> lines_run;
    for (const char* part : {"before_script", "script"}) {
      if (const SNode* node = job.find(part)) {
        flatten(*node, lines_run);
      }
    }
    std::string script;
    for (const std::string& line : lines_run) {
      if (std::find(m_install.begin(), m_install.end(), line) == m_install.end()) {
        script += line + "\n";  // the install lines are stood in for: stackc is on PATH
      }
    }
    std::vector<std::pair<std::string, std::string>> env = {
        {"STACK", m_stack},
        {"STACK_FILE", "stack.yml"},
        {"SWARM_HOST", "unix:///var/run/docker.sock"},
        {"SWARM_CA", m_ci.ca_file()},
        {"SWARM_CERT", m_ci.ca_file()},
        {"SWARM_KEY", m_ci.ca_file()},
        {"NOTES_TOKEN", "stand-in-token"},
        {"CI_PROJECT_DIR", m_ci.workspace().string()},
        {"CI_API_V4_URL", "https://gitlab.invalid/api/v4"},
        {"CI_PROJECT_ID", "1"},
        {"CI_MERGE_REQUEST_IID", "7"}};
    if (const SNode* variables = job.find("variables")) {
      for (const SEntry& entry : variables->entries) {
        env.emplace_back(entry.key, entry.value.text);
      }
    }
    ProcessResult ran = m_ci.shell(script, env);
    return {ran.ok(), ran.exit_code, ran.ok() ? "" : name, ran.out + ran.err};
  }

  std::string rule(const std::string& job) const {
    SNode resolved_job = resolved(job);
    const SNode* rules = resolved_job.find("rules");
    return rules == nullptr || rules->items.empty() ? "" : text_at(rules->items[0], "if");
  }

 private:
  const CiRun& m_ci;
  const SNode& m_pipeline;
  std::string m_stack;
  std::vector<std::string> m_install;
};

TEST_F(CiRecipesTest, GitLabMergeRequestMainAndScheduledDriftCheck) {
  Recipe pipeline = load("gitlab-ci.yml");
  CiRun ci(m_stack);
  GitLabJobs jobs(ci, pipeline.root, m_stack);
  EXPECT_EQ(jobs.rule("diff"), "$CI_PIPELINE_SOURCE == \"merge_request_event\"");
  EXPECT_EQ(jobs.rule("drift"), "$CI_PIPELINE_SOURCE == \"schedule\"");
  EXPECT_THAT(jobs.rule("deploy"), HasSubstr("$CI_DEFAULT_BRANCH"));

  JobResult lint = jobs.run_job("lint");
  EXPECT_TRUE(lint.ok) << lint.log;
  auto sarif = nlohmann::json::parse(read_text(ci.workspace() / "stackc.sarif"), nullptr, false);
  EXPECT_FALSE(sarif.is_discarded());
  expect_posted_diff(jobs.run_job("diff"), ci);

  JobResult deployed = jobs.run_job("deploy");
  ASSERT_TRUE(deployed.ok) << deployed.log;
  EXPECT_EQ(inspect("web", "{{.Spec.TaskTemplate.ContainerSpec.Image}}"), "nginx:1.19");
  JobResult clean = jobs.run_job("drift");
  EXPECT_TRUE(clean.ok) << clean.log;
  drift();
  JobResult drifted = jobs.run_job("drift");
  EXPECT_FALSE(drifted.ok);
  EXPECT_EQ(drifted.exit_code, 3) << drifted.log;
}

}  // namespace
}  // namespace stackc::testing
