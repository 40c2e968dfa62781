#pragma once
// A test fixture for lab tests that deploy a stack of their own: a random name with a prefix
// (so parallel helpers and reruns never collide), files from one folder, and `docker stack rm`
// afterwards, waiting until the stack's networks are gone so the next test starts clean.

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/process.h"

namespace stackc::testing {

class LabStackTest : public ::testing::Test {
 protected:
  // `prefix` names the stacks ("wt" -> wt3fa9c2); `folder` holds the test's stack files.
  LabStackTest(std::string prefix, std::string folder)
      : m_prefix(std::move(prefix)), m_folder(std::move(folder)) {}

  void SetUp() override {
    static std::random_device device;
    m_stack = fmt::format("{}{:06x}", m_prefix, device() & 0xffffff);
  }
  void TearDown() override {
    run({"docker", "stack", "rm", m_stack});
    poll_until([&] { return list("network").empty(); }, std::chrono::seconds(60));
  }

  // `stackc deploy --resolve-image never -c FILE FLAGS... STACK`, run in the stack folder.
  // Generous timeout: on an idle lab each deploy takes seconds, but a loaded machine starts
  // containers slowly.
  ProcessResult deploy(const std::string& file, std::vector<std::string> flags) const {
    std::vector<std::string> args = {stackc(), "deploy", "--resolve-image", "never", "-c", file};
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back(m_stack);
    return run(args, RunOptions().in_dir(m_folder).with_timeout(std::chrono::seconds(300)));
  }
  // `stackc diff --exit-code` against `file`: 0 when the live stack is what it declares.
  ProcessResult diff(const std::string& file) const {
    return run({stackc(), "diff", "--exit-code", "-c", file, m_stack},
               RunOptions().in_dir(m_folder));
  }
  // The names of the stack's objects of one kind ("service", "network", "secret", ...).
  std::vector<std::string> list(const std::string& kind) const {
    auto result = run({"docker", kind, "ls", "--filter",
                       "label=com.docker.stack.namespace=" + m_stack, "--format", "{{.Name}}"});
    EXPECT_TRUE(result.ok()) << result.describe();
    return lines(result.out);
  }
  // `docker service inspect --format FORMAT` of the stack's service `key`.
  std::string inspect(const std::string& key, const std::string& format) const {
    auto result = run({"docker", "service", "inspect", "--format", format, name(key)});
    EXPECT_TRUE(result.ok()) << result.describe();
    return trim(result.out);
  }
  // The engine's name of the stack's service (or network, ...) `key`.
  std::string name(const std::string& key) const { return m_stack + "_" + key; }
  static std::string stackc() { return std::string(STACKC_BINARY_DIR) + "/cli/stackc"; }

  std::string m_stack;

 private:
  std::string m_prefix;
  std::string m_folder;
};

}  // namespace stackc::testing
