#include "cli/plan_output.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace stackc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

swarm::Plan sample_plan() {
  swarm::Plan plan;
  plan.stack = "dailylog";
  swarm::PlannedObject front;
  front.kind = swarm::ObjectKind::service;
  front.action = swarm::Action::update;
  front.name = "dailylog_frontend";
  front.changes.push_back({"TaskTemplate.ContainerSpec.Image",
                           R"("dbgurum/dailylog:front_1.0")",
                           R"("dbgurum/dailylog:front_1.1")",
                           {"services.frontend.image", "front-1.1.yml", 4, ""}});
  front.changes.push_back(
      {"UpdateConfig.Order", R"("start-first")", R"("stop-first")", {"", "", 0, "engine default"}});
  front.changes.push_back({"TaskTemplate.ContainerSpec.Env[0]",
                           R"("A=a|b<c>")",
                           R"("A=x")",
                           {"services.frontend.environment.A", "stack.yml", 9, ""}});
  swarm::PlannedObject secret;
  secret.kind = swarm::ObjectKind::secret;
  secret.action = swarm::Action::create;
  secret.name = "dailylog_db-0123456789";
  secret.reason = "content changed; replaces dailylog_db";
  secret.content_sha256 = "0123456789abcdef0123";
  secret.content_size = 17;
  secret.origin = {"secrets.db.file", "stack.yml", 30, ""};
  swarm::PlannedObject back;
  back.kind = swarm::ObjectKind::service;
  back.action = swarm::Action::unchanged;
  back.name = "dailylog_backend";
  plan.secrets.push_back(secret);
  plan.service_waves.push_back({back, front});
  return plan;
}

TEST(PlanText, ChangesAreNamedByComposePathAndLine) {
  std::ostringstream out;
  print_plan_text(out, sample_plan());
  EXPECT_EQ(out.str(),
            "+ secret dailylog_db-0123456789 (content changed; replaces dailylog_db; "
            "sha256:0123456789ab, 17 bytes; secrets.db.file at stack.yml:30)\n"
            "~ service dailylog_frontend\n"
            "    services.frontend.image (front-1.1.yml:4): \"dbgurum/dailylog:front_1.0\" -> "
            "\"dbgurum/dailylog:front_1.1\"\n"
            "    UpdateConfig.Order (engine default): \"start-first\" -> \"stop-first\"\n"
            "    services.frontend.environment.A (stack.yml:9): \"A=a|b<c>\" -> \"A=x\"\n"
            "stack dailylog: 1 to create, 1 to update, 0 to remove, 1 unchanged\n");
}

TEST(PlanText, VerboseAddsTheEnginePath) {
  std::ostringstream out;
  print_plan_text(out, sample_plan(), PlanPrintOptions{true});
  EXPECT_THAT(out.str(),
              HasSubstr("    services.frontend.image (front-1.1.yml:4): "
                        "\"dbgurum/dailylog:front_1.0\" -> \"dbgurum/dailylog:front_1.1\"\n"
                        "        engine: TaskTemplate.ContainerSpec.Image\n"));
}

TEST(PlanJson, KeepsTheEnginePathAndAddsTheOrigin) {
  std::ostringstream out;
  print_plan_json(out, sample_plan());
  auto document = nlohmann::json::parse(out.str());
  const auto& fields = document["changes"][1]["fields"];
  EXPECT_EQ(fields[0]["path"], "TaskTemplate.ContainerSpec.Image");
  EXPECT_EQ(fields[0]["compose_path"], "services.frontend.image");
  EXPECT_EQ(fields[0]["file"], "front-1.1.yml");
  EXPECT_EQ(fields[0]["line"], 4);
  EXPECT_FALSE(fields[0].contains("derived"));
  EXPECT_EQ(fields[1]["derived"], "engine default");
  EXPECT_FALSE(fields[1].contains("file"));
  EXPECT_EQ(document["changes"][0]["sha256"], "0123456789abcdef0123");
}

TEST(PlanMarkdown, ASummaryLineThenOneCollapsibleSectionPerObject) {
  std::ostringstream out;
  print_plan_markdown(out, sample_plan());
  std::string text = out.str();
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "**stackc diff**: stack dailylog: 1 to create, 1 to update, 0 to remove, 1 unchanged");
  EXPECT_THAT(text, HasSubstr("<details><summary><code>~</code> update service "
                              "<code>dailylog_frontend</code>: 3 fields</summary>\n\n"
                              "| field | set by | old | new |\n"
                              "| --- | --- | --- | --- |\n"
                              "| <code>services.frontend.image</code> | front-1.1.yml:4 | "
                              "<code>\"dbgurum/dailylog:front_1.0\"</code> | "
                              "<code>\"dbgurum/dailylog:front_1.1\"</code> |\n"));
  // A value cannot break the table or inject HTML.
  EXPECT_THAT(text, HasSubstr("<code>\"A=a&#124;b&lt;c&gt;\"</code>"));
  // Secrets: hash and size, never content.
  EXPECT_THAT(text, HasSubstr("<details><summary><code>+</code> create secret "
                              "<code>dailylog_db-0123456789</code></summary>\n\n"
                              "- content changed; replaces dailylog_db\n"
                              "- sha256:0123456789ab, 17 bytes\n"));
  size_t opened = 0;
  size_t closed = 0;
  for (size_t at = 0; (at = text.find("<details>", at)) != std::string::npos; ++at) {
    ++opened;
  }
  for (size_t at = 0; (at = text.find("</details>", at)) != std::string::npos; ++at) {
    ++closed;
  }
  EXPECT_EQ(opened, 2u);  // the unchanged service has none
  EXPECT_EQ(closed, 2u);
  EXPECT_THAT(text, Not(HasSubstr("dailylog_backend")));
  EXPECT_THAT(text, Not(HasSubstr("TaskTemplate.ContainerSpec.Image")));
}

TEST(PlanMarkdown, VerboseAddsAnEnginePathColumn) {
  std::ostringstream out;
  print_plan_markdown(out, sample_plan(), PlanPrintOptions{true});
  EXPECT_THAT(out.str(), HasSubstr("| field | set by | engine path | old | new |\n"));
  EXPECT_THAT(out.str(), HasSubstr("| <code>services.frontend.image</code> | front-1.1.yml:4 | "
                                   "<code>TaskTemplate.ContainerSpec.Image</code> | "));
}

}  // namespace
}  // namespace stackc
