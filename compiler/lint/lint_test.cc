// The lint driver and shared helpers: image references, secret-like keys, .stackc.yaml,
// severity overrides, and suppressions that span an override file.

#include "compiler/lint/lint.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "compiler/interpolate.h"
#include "compiler/lint/helpers.h"
#include "compiler/lint/registry.h"
#include "compiler/load.h"

namespace stackc::lint {
namespace {

namespace fs = std::filesystem;

TEST(ImageReference, SplitsNameTagAndDigest) {
  auto ref = parse_image_reference(
      "registry.example.com:5000/team/app:1.2@sha256:"
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  ASSERT_TRUE(ref) << ref.error();
  EXPECT_EQ(ref->name, "registry.example.com:5000/team/app");
  EXPECT_EQ(ref->tag, "1.2");
  EXPECT_EQ(ref->digest.substr(0, 7), "sha256:");
  ref = parse_image_reference("localhost:5000/app");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->tag, "");
  EXPECT_TRUE(parse_image_reference("nginx"));
  EXPECT_TRUE(parse_image_reference("my_org/app-x__y.z:v1.0_rc-1"));
}

TEST(ImageReference, RefusesWhatTheReferenceRefuses) {
  for (const char* bad : {"", "Nginx", "app:", "app:-x", "app@sha256:xyz", "a//b", "app:1 ", "-app",
                          "app-", "registry.example.com:/x"}) {
    EXPECT_FALSE(parse_image_reference(bad)) << bad;
  }
  EXPECT_EQ(parse_image_reference("MyOrg/app").error(), "repository name must be lowercase");
  EXPECT_FALSE(parse_image_reference("app:" + std::string(129, 'a')));
  EXPECT_TRUE(parse_image_reference("app:" + std::string(128, 'a')));
}

TEST(SecretLikeKey, MatchesCredentialsButNotFileVariables) {
  for (const char* key : {"POSTGRES_PASSWORD", "db_passwd", "API_TOKEN", "AWS_SECRET_ACCESS_KEY",
                          "GITHUB_TOKEN", "STRIPE_API_KEY"}) {
    EXPECT_TRUE(is_secret_like_key(key)) << key;
  }
  for (const char* key : {"POSTGRES_PASSWORD_FILE", "LOG_LEVEL", "TOKENIZER_MODEL_PATH_X"}) {
    // TOKENIZER contains TOKEN: a known false positive we accept, asserted so it is visible.
    EXPECT_EQ(is_secret_like_key(key), std::string(key).starts_with("TOKEN")) << key;
  }
}

class LintDriver : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() /
            ("stackc-lint-driver-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(m_dir / "a" / "b");
  }
  void TearDown() override { fs::remove_all(m_dir); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(m_dir / name) << text;
    return (m_dir / name).string();
  }
  // Loads and lints; returns "line:code" for each finding of `file_name`.
  std::vector<std::string> lint(std::vector<std::string> files, const LintSettings& settings) {
    MapEnv env;
    LoadOptions options;
    options.files = std::move(files);
    options.env = &env;
    Diagnostics front;
    auto stack = load_stack(options, m_sources, front);
    m_out = Diagnostics{};
    lint_stack(stack ? &*stack : nullptr, settings, front, m_out);
    std::vector<std::string> found;
    for (const Diagnostic& d : m_out.items()) {
      found.push_back(fs::path(d.loc.file ? d.loc.file->path() : "").filename().string() + ":" +
                      std::to_string(d.loc.line) + ":" + d.code);
    }
    return found;
  }
  fs::path m_dir;
  SourceManager m_sources;
  Diagnostics m_out;
};

TEST_F(LintDriver, SettingsFileParsesAndIsFoundUpward) {
  std::string path = write("a/.stackc.yaml",
                           "disable: [STK160, healthcheck-missing]\nenable: cpu-limit-missing\n"
                           "severity: {image-tag: error, STK162: note, privileged-port: off}\n");
  EXPECT_EQ(find_settings_file((m_dir / "a" / "b" / "stack.yml").string()), path);
  EXPECT_EQ(find_settings_file((m_dir / "stack.yml").string()).find(m_dir.string()),
            std::string::npos);

  SourceManager sources;
  Diagnostics diags;
  auto settings = load_settings(**sources.load(path), diags);
  ASSERT_TRUE(settings) << diags.items().front().message;
  // severity after disable: giving a severity turns image-tag back on, as the file says last.
  EXPECT_TRUE(settings->is_enabled(*find_rule("STK160")));
  EXPECT_EQ(settings->severity_of(*find_rule("STK160")), Severity::error);
  EXPECT_FALSE(settings->is_enabled(*find_rule("healthcheck-missing")));
  EXPECT_TRUE(settings->is_enabled(*find_rule("STK171")));
  EXPECT_FALSE(settings->is_enabled(*find_rule("STK164")));
  EXPECT_EQ(settings->severity_of(*find_rule("STK162")), Severity::note);
}

TEST_F(LintDriver, SettingsFileErrorsNameTheProblem) {
  for (const char* text : {"disable: [nope]\n", "severity: {STK160: fatal}\n", "rules: {}\n",
                           "- a\n", "enable: {a: b}\n"}) {
    SourceManager sources;
    Diagnostics diags;
    const SourceFile* file = sources.add("x/.stackc.yaml", text);
    EXPECT_FALSE(load_settings(*file, diags)) << text;
    ASSERT_TRUE(diags.has_errors()) << text;
    EXPECT_TRUE(diags.items().back().loc.has_line()) << text;
  }
}

TEST_F(LintDriver, SeverityOverrideRegradesFindings) {
  std::string file = write("s.yml", "version: \"3.9\"\nservices:\n  a:\n    image: app\n");
  LintSettings settings;
  for (const Rule* rule : all_rules()) {
    settings.enabled[std::string(rule->id())] = false;
  }
  ASSERT_TRUE(set_severity(settings, "image-tag", "error"));
  EXPECT_EQ(lint({file}, settings), std::vector<std::string>{"s.yml:4:STK160"});
  EXPECT_EQ(m_out.error_count(), 1u);
  EXPECT_FALSE(set_severity(settings, "image-tag", "loud"));
}

// An error rule's case the reference takes is a warning (max_replicas_per_node on a global
// service), its other case stays an error; a configured severity grades both alike.
TEST_F(LintDriver, ARuleGradesEachFindingUnlessTheSeverityIsConfigured) {
  std::string file = write("g.yml",
                           "version: \"3.9\"\nservices:\n  a:\n    image: app:1\n    deploy:\n"
                           "      mode: global\n      replicas: 2\n"
                           "      placement: {max_replicas_per_node: 1}\n");
  LintSettings settings;
  for (const Rule* rule : all_rules()) {
    settings.enabled[std::string(rule->id())] = rule->id() == "STK109";
  }
  EXPECT_EQ(lint({file}, settings), (std::vector<std::string>{"g.yml:7:STK109", "g.yml:8:STK109"}));
  ASSERT_EQ(m_out.items().size(), 2u);
  EXPECT_EQ(m_out.items()[0].severity, Severity::error);
  EXPECT_EQ(m_out.items()[1].severity, Severity::warning);
  ASSERT_TRUE(set_severity(settings, "STK109", "error"));
  lint({file}, settings);
  EXPECT_EQ(m_out.error_count(), 2u);
  ASSERT_TRUE(set_severity(settings, "STK109", "note"));
  lint({file}, settings);
  EXPECT_EQ(m_out.error_count(), 0u);
  EXPECT_EQ(m_out.items()[0].severity, Severity::note);
}

TEST_F(LintDriver, ServiceSuppressionInAnOverrideCoversTheBaseDefinition) {
  std::string base = write("base.yml",
                           "version: \"3.9\"\nservices:\n  a:\n    image: app\n"
                           "  b:\n    image: app\n");
  std::string override_file = write("override.yml",
                                    "version: \"3.9\"\nservices:\n  a:\n    x-stackc:\n"
                                    "      ignore: [image-tag, STK162]\n");
  LintSettings settings;
  for (const Rule* rule : all_rules()) {
    settings.enabled[std::string(rule->id())] = false;
  }
  ASSERT_TRUE(enable_rule(settings, "image-tag", true));
  ASSERT_TRUE(enable_rule(settings, "STK199", true));
  // a's finding (in base.yml) is suppressed; b's is not; STK162 did not run: not "unused".
  EXPECT_EQ(lint({base, override_file}, settings), std::vector<std::string>{"base.yml:6:STK160"});
  ASSERT_TRUE(enable_rule(settings, "STK162", true));
  EXPECT_EQ(lint({base, override_file}, settings),
            (std::vector<std::string>{"base.yml:5:STK162", "base.yml:6:STK160"}));
}

TEST_F(LintDriver, FrontEndErrorsAreNeverSuppressedAndNothingIsCalledUnused) {
  std::string file = write("bad.yml",
                           "version: \"3.9\"\nservices:\n  a:\n    image: app\n"
                           "    # stackc-disable-next-line STK031 STK160\n    bogus_key: 1\n");
  LintSettings settings;
  std::vector<std::string> found = lint({file}, settings);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0], "bad.yml:6:STK031");
  EXPECT_TRUE(m_out.has_errors());
}

}  // namespace
}  // namespace stackc::lint
