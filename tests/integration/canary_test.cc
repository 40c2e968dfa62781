// The secret canary: a value unique to this run goes into everything stackc must never show (a
// secret file, a config file, environment values with credential-like names from the shell, an
// --env-file, a service env_file and the stack file itself, a registry password in
// DOCKER_CONFIG and a credential helper's answer). Then every command but `config` (which, like
// `docker stack config`, prints environment values as written) runs in every output format it
// has, on the lab, through error paths too (an invalid stack, an unreachable engine, a --wait
// that times out and is rolled back, a removal of nothing). No byte of the canary may appear in
// any stdout or stderr, nor in any file written under the test's folder (HOME, TMPDIR and
// DOCKER_CONFIG point there). The engine errors that echo a request and a failed rollback need
// faults the lab cannot make: cli/cmd_deploy_test.cc covers them with the fake engine.
// Lab time: about 12 s (replicas 0, and one unplaceable service with a 2 s --wait timeout).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tests/integration/lab_stack.h"
#include "tests/integration/process.h"

namespace stackc {
namespace {

using testing::ProcessResult;
using testing::run;
using testing::RunOptions;
namespace fs = std::filesystem;

std::string random_hex() {
  static std::random_device device;
  return fmt::format("{:08x}{:08x}", device(), device());
}

std::string base64(const std::string& in) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int value = 0, bits = -6;
  for (unsigned char c : in) {
    value = (value << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(table[(value >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) {
    out.push_back(table[((value << 8) >> (bits + 8)) & 0x3F]);
  }
  while (out.size() % 4) {
    out.push_back('=');
  }
  return out;
}

fs::path make_folder() {
  char pattern[] = "/tmp/stackc-canary-XXXXXX";
  return mkdtemp(pattern);
}

// The folder is made in a base constructed before LabStackTest, which needs its path: a member
// of CanaryTest itself would not exist yet when LabStackTest is built.
struct CanaryFolder {
  fs::path m_dir = make_folder();
  ~CanaryFolder() { fs::remove_all(m_dir); }
};

class CanaryTest : protected CanaryFolder, public testing::LabStackTest {
 protected:
  CanaryTest() : LabStackTest("can", m_dir.string()) {}

  void SetUp() override {
    LabStackTest::SetUp();
    const std::string c = m_canary;
    write("secret.txt", c + "-secret-file\n");
    write("config.txt", c + "-config-file\n");
    write("app.env", "SECRET_KEY=" + c + "-env-file\nPLAIN=visible\n");
    write("vars.env", "CAN_API_TOKEN=" + c + "-dotenv\n");
    // The stack: credential-like values from the shell, the --env-file, an env_file and
    // written in the file; images on the lab's auth registry (wrong password: the canary)
    // and its open one (credentials from a helper).
    const std::string stack = R"(version: "3.9"
services:
  app:
    image: 127.0.0.1:5051/canary/missing:1.0
    env_file: ./app.env
    environment:
      DB_PASSWORD: ${CAN_DB_PASSWORD}
      API_TOKEN: ${CAN_API_TOKEN}
      PRIVATE_KEY: )" + c + R"(-literal
    secrets: [db]
    configs: [conf]
    deploy: {replicas: 0}
  helper:
    image: 127.0.0.1:5050/canary/missing:1.0
    environment: ["AUTH_HEADER=${CAN_DB_PASSWORD}"]
    deploy: {replicas: 0}
secrets:
  db: {file: ./secret.txt}
configs:
  conf: {file: ./config.txt}
)";
    write("stack.yml", stack);
    // An error lint and the converter find (an undefined network), secrets and all.
    auto with_service = [&](const std::string& service) {
      std::string text = stack;
      return text.insert(text.find("secrets:\n  db:"), service);
    };
    write("broken.yml", with_service("  broken:\n    image: nginx:1.19\n    networks: [nowhere]\n"
                                     "    environment: [\"TOKEN=${CAN_DB_PASSWORD}\"]\n"));
    // A service no node can take, so that --wait times out and --rollback undoes the deploy.
    // Every image is on a lab registry: --resolve-image always must not leave the machine.
    write("stuck.yml", with_service(R"(  stuck:
    image: 127.0.0.1:5050/canary/missing:1.0
    environment: {SECRET: "${CAN_DB_PASSWORD}"}
    deploy:
      replicas: 1
      placement: {constraints: [node.labels.can-nowhere == yes]}
)"));

    // DOCKER_CONFIG: the canary as the auth registry's password, and a credential helper on
    // PATH that answers the canary for the open registry.
    fs::create_directories(m_dir / "docker");
    fs::create_directories(m_dir / "bin");
    fs::create_directories(m_dir / "home");
    fs::create_directories(m_dir / "tmp");
    write("docker/config.json", fmt::format(R"({{"auths": {{"127.0.0.1:5051": {{"auth": "{}"}}}},
 "credHelpers": {{"127.0.0.1:5050": "cantest"}}}})",
                                            base64("stackc-lab:" + c + "-registry")));
    write("bin/docker-credential-cantest",
          "#!/bin/sh\nread server\nprintf '{\"ServerURL\":\"%s\",\"Username\":\"helper\","
          "\"Secret\":\"" +
              c + "-helper\"}\\n' \"$server\"\n");
    fs::permissions(m_dir / "bin/docker-credential-cantest", fs::perms::owner_all);
    for (const auto& entry : fs::recursive_directory_iterator(m_dir)) {
      m_inputs.insert(entry.path().string());
    }
  }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(m_dir / name, std::ios::trunc) << text;
  }

  RunOptions options() const {
    const char* path = std::getenv("PATH");
    return RunOptions()
        .in_dir(m_dir.string())
        .with_timeout(std::chrono::seconds(120))
        .with_env("CAN_DB_PASSWORD", m_canary + "-shell")
        .with_env("DOCKER_CONFIG", (m_dir / "docker").string())
        .with_env("HOME", (m_dir / "home").string())
        .with_env("TMPDIR", (m_dir / "tmp").string())
        .with_env("PATH", (m_dir / "bin").string() + ":" + (path ? path : "/usr/bin:/bin"));
  }

  // Runs stackc with `args`; its output must not hold the canary (nor its base64 forms).
  ProcessResult stackc_run(std::vector<std::string> args) {
    args.insert(args.begin(), stackc());
    ProcessResult result = run(args, options());
    std::string command = ::testing::PrintToString(args);
    EXPECT_FALSE(result.timed_out) << command;
    for (const std::string& needle : needles()) {
      EXPECT_EQ(result.out.find(needle), std::string::npos)
          << command << " printed the canary on stdout:\n"
          << result.out;
      EXPECT_EQ(result.err.find(needle), std::string::npos)
          << command << " printed the canary on stderr:\n"
          << result.err;
    }
    ++m_runs;
    return result;
  }

  // The canary, and its base64 at each of the three alignments.
  std::vector<std::string> needles() const {
    std::vector<std::string> out = {m_canary};
    for (const std::string prefix : {"", "x", "xy"}) {
      std::string encoded = base64(prefix + m_canary);
      size_t skip = prefix.empty() ? 0 : 4;
      out.push_back(encoded.substr(skip, 12));
    }
    return out;
  }

  std::string m_canary = "cnry" + random_hex();
  std::set<std::string> m_inputs;
  int m_runs = 0;
};

TEST_F(CanaryTest, NoCommandShowsASecretInAnyFormatOrFile) {
  const std::string f = "stack.yml";
  // Offline commands, in every format.
  for (const std::string format : {"text", "json", "sarif", "github"}) {
    stackc_run({"lint", "-f", format, "--env-file", "vars.env", f});
    stackc_run({"lint", "-f", format, "--env-file", "vars.env", "-c", f, "-c", "broken.yml"});
    auto broken = stackc_run({"lint", "-f", format, "broken.yml"});
    EXPECT_EQ(broken.exit_code, 1) << broken.describe();
  }
  stackc_run({"lint", "--list-rules"});
  auto compiled = stackc_run({"compile", "--env-file", "vars.env", "-c", f, m_stack});
  EXPECT_TRUE(compiled.ok()) << compiled.describe();
  EXPECT_THAT(compiled.out, ::testing::HasSubstr("DB_PASSWORD=<redacted, "));
  EXPECT_EQ(stackc_run({"compile", "-c", "broken.yml", m_stack}).exit_code, 1);

  // Before the deploy: everything is a create.
  for (const std::string format : {"text", "json"}) {
    auto diff =
        stackc_run({"diff", "--format", format, "--env-file", "vars.env", "-c", f, m_stack});
    EXPECT_EQ(diff.exit_code, 0) << diff.describe();
    stackc_run(
        {"diff", "--format", format, "-H", "unix:///nonexistent/can.sock", "-c", f, m_stack});
  }
  stackc_run({"deploy", "--dry-run", "--env-file", "vars.env", "-c", f, m_stack});
  stackc_run({"deploy", "--resolve-image", "never", "--env-file", "vars.env", "-c", "broken.yml",
              "--no-lint", m_stack});

  // The wait times out and --rollback removes what the deploy created; the images are resolved
  // with the registry credentials (the auth registry refuses the canary password).
  auto stuck = stackc_run({"deploy", "--resolve-image", "always", "--with-registry-auth",
                           "--env-file", "vars.env", "-c", "stuck.yml", "--allow-pending", "--wait",
                           "--timeout", "2s", "--rollback", m_stack});
  EXPECT_THAT(stuck.exit_code, ::testing::AnyOf(5, 6)) << stuck.describe();

  auto deployed = stackc_run({"deploy", "--resolve-image", "always", "--with-registry-auth",
                              "--env-file", "vars.env", "-c", f, m_stack});
  EXPECT_TRUE(deployed.ok()) << deployed.describe();
  // After it: no changes, then changed values (the redacted lengths differ).
  write("vars.env", "CAN_API_TOKEN=" + m_canary + "-dotenv-changed\n");
  for (const std::string format : {"text", "json"}) {
    stackc_run({"diff", "--format", format, "--env-file", "vars.env", "-c", f, m_stack});
    stackc_run({"diff", "--prune", "--format", format, "-c", "stuck.yml", m_stack});
  }
  stackc_run({"deploy", "--resolve-image", "never", "--env-file", "vars.env", "-c", f, "--wait",
              "--timeout", "20s", m_stack});
  stackc_run({"ps", m_stack});
  auto removed = stackc_run({"rm", m_stack});
  EXPECT_TRUE(removed.ok()) << removed.describe();
  stackc_run({"rm", m_stack});
  stackc_run({"ps", m_stack});
  stackc_run({"version"});
  stackc_run({"--help"});

  // Every file written under the folder (HOME, TMPDIR, DOCKER_CONFIG) is searched too.
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(m_dir)) {
    if (!entry.is_regular_file()) {
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    if (m_inputs.count(entry.path().string()) > 0) {
      continue;  // the test's own files hold the canary on purpose
    }
    for (const std::string& needle : needles()) {
      EXPECT_EQ(text.find(needle), std::string::npos) << entry.path() << " holds the canary";
    }
    ++files;
  }
  RecordProperty("stackc_runs", m_runs);
  RecordProperty("files_written", static_cast<int>(files));
}

}  // namespace
}  // namespace stackc
