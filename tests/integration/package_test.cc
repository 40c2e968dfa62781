// scripts/package, as a user meets its results: the .deb installed with dpkg on this machine
// (stackc, its man pages and bash completion work, and a purge leaves nothing), and the image
// run as the README says against the lab. Both package this build's stackc (--from) so the test
// needs no Release build; Depends then also lists what this build loads (e.g. ASan's runtime).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/integration/lab_stack.h"
#include "tests/integration/process.h"

namespace stackc::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

const std::string k_source = STACKC_SOURCE_DIR;
const std::string k_folder = k_source + "/tests/stacks/ship";

// `scripts/package --from THIS_BUILD ...`: its stdout lines (the .deb, then the image).
std::vector<std::string> package(const std::string& out, std::vector<std::string> flags) {
  std::vector<std::string> argv = {k_source + "/scripts/package", "--from", STACKC_BINARY_DIR,
                                   "--out", out};
  argv.insert(argv.end(), flags.begin(), flags.end());
  auto result = run(argv, RunOptions().with_timeout(std::chrono::seconds(300)));
  EXPECT_TRUE(result.ok()) << result.describe();
  return lines(result.out);
}

bool installed() {
  return run({"dpkg-query", "-W", "-f=${Status}", "stackc"}).out == "install ok installed";
}

class DebTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (installed()) {
      GTEST_SKIP() << "a stackc package is installed on this machine; the test would remove it";
    }
    m_out = std::filesystem::temp_directory_path() / "stackc-package-deb";
  }
  void TearDown() override {
    run({"dpkg", "--purge", "stackc"});
    std::filesystem::remove_all(m_out);
  }
  std::filesystem::path m_out;
};

TEST_F(DebTest, InstallsAWorkingStackcWithManPagesAndCompletionAndPurgesClean) {
  std::vector<std::string> built = package(m_out, {"--no-image"});
  ASSERT_EQ(built.size(), 1u);
  const std::string deb = built[0];
  auto depends = run({"dpkg-deb", "-f", deb, "Depends"});
  ASSERT_TRUE(depends.ok()) << depends.describe();
  EXPECT_THAT(depends.out, HasSubstr("libc6 (>= "));
  EXPECT_THAT(depends.out, HasSubstr("libcurl4 (>= 7.40.0)"));

  auto install = run({"dpkg", "-i", deb});
  ASSERT_TRUE(install.ok()) << install.describe();
  auto version = run({"/usr/bin/stackc", "version"});
  EXPECT_TRUE(version.ok()) << version.describe();
  EXPECT_THAT(version.out, HasSubstr("Engine API: 1.30 to 1.50"));
  auto man = run({"man", "-w", "stackc-deploy"});
  EXPECT_TRUE(man.ok()) << man.describe();
  EXPECT_EQ(trim(man.out), "/usr/share/man/man1/stackc-deploy.1.gz");
  EXPECT_TRUE(run({"man", "-w", "stackc-completion"}).ok());
  EXPECT_TRUE(run({"man", "-w", "7", "stackc-rules"}).ok());
  // bash-completion finds the installed script by the command's name, as on a first TAB.
  auto completion =
      run({"bash", "--norc", "--noprofile", k_source + "/tests/integration/complete.bash",
           "bash-completion", "stackc dep"});
  EXPECT_TRUE(completion.ok()) << completion.describe();
  EXPECT_EQ(completion.out, "complete -F _stackc stackc\ndeploy\n");
  for (const char* path :
       {"/usr/share/zsh/vendor-completions/_stackc",
        "/usr/share/fish/vendor_completions.d/stackc.fish",
        "/usr/share/stackc/pre-commit-hooks.yaml", "/usr/share/doc/stackc/copyright"}) {
    EXPECT_TRUE(std::filesystem::exists(path)) << path;
  }

  auto listed = run({"dpkg-query", "-L", "stackc"});
  auto purge = run({"dpkg", "--purge", "stackc"});
  ASSERT_TRUE(purge.ok()) << purge.describe();
  EXPECT_FALSE(installed());
  for (const std::string& path : lines(listed.out)) {
    if (!std::filesystem::is_directory(path)) {
      EXPECT_FALSE(std::filesystem::exists(path)) << path << " is left after the purge";
    }
  }
}

class ImageTest : public LabStackTest {
 protected:
  ImageTest() : LabStackTest("shp", k_folder) {}
  void TearDown() override {
    for (const std::string& tag : m_tags) {
      run({"docker", "image", "rm", tag});
    }
    std::filesystem::remove_all(m_out);
    LabStackTest::TearDown();
  }
  // The README's command line, in the stack folder.
  ProcessResult docker_run(const std::string& image, std::vector<std::string> args) {
    std::vector<std::string> argv = {"docker",
                                     "run",
                                     "--rm",
                                     "-v",
                                     k_folder + ":/w",
                                     "-w",
                                     "/w",
                                     "-v",
                                     "/var/run/docker.sock:/var/run/docker.sock",
                                     image};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, RunOptions().with_timeout(std::chrono::seconds(60)));
  }
  std::filesystem::path m_out = std::filesystem::temp_directory_path() / "stackc-package-image";
  std::vector<std::string> m_tags;
};

TEST_F(ImageTest, LintsAndDiffsAgainstTheLab) {
  const std::string repo = m_stack + "-stackc";  // not stackc:latest, which a user may have
  std::vector<std::string> built = package(m_out, {"--image", repo});
  ASSERT_EQ(built.size(), 2u);
  const std::string image = built[1];
  m_tags = {image, repo + ":latest"};
  auto images = run({"docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", repo});
  EXPECT_THAT(lines(images.out), Contains(image));
  EXPECT_THAT(lines(images.out), Contains(repo + ":latest"));

  auto lint = docker_run(image, {"lint", "stack.yml"});
  EXPECT_TRUE(lint.ok()) << lint.describe();
  auto version = docker_run(image, {"version"});
  EXPECT_THAT(version.out, HasSubstr("Engine API: 1.30 to 1.50"));

  // Not deployed yet: the diff through the image (engine via the mounted socket, libcurl
  // dlopened inside the image) shows the service to create.
  auto before = docker_run(repo + ":latest", {"diff", "--exit-code", "-c", "stack.yml", m_stack});
  EXPECT_EQ(before.exit_code, 3) << before.describe();
  EXPECT_THAT(before.out, HasSubstr(name("web")));
  ProcessResult deployed = deploy("stack.yml", {});
  ASSERT_TRUE(deployed.ok()) << deployed.describe();
  auto same = docker_run(image, {"diff", "--exit-code", "-c", "stack.yml", m_stack});
  EXPECT_EQ(same.exit_code, 0) << same.describe();
  auto next = docker_run(image, {"diff", "--exit-code", "-c", "stack-next.yml", m_stack});
  EXPECT_EQ(next.exit_code, 3) << next.describe();
  EXPECT_THAT(next.out, HasSubstr("nginx:1.21"));
}

}  // namespace
}  // namespace stackc::testing
