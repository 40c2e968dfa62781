// `stackc compile` against the reference on the live lab: every stack under tests/stacks/deploy
// is deployed with `docker stack deploy --resolve-image never` (the docker CLI 28.2.2 first on
// PATH, against the lab manager), and every object the stack created (services, networks,
// secrets, configs, found by the namespace label) must have exactly the Spec that
// `stackc compile` prints for the same files and stack name, once the values the engine fills
// in on store are normalized. That list is explicit below, each with the reason; nothing else
// is forgiven. The stacks are removed at the end (and waited for).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tests/integration/process.h"

namespace stackc {
namespace {

using Json = nlohmann::json;
using testing::run;
using testing::RunOptions;

const std::string k_stacks = std::string(STACKC_SOURCE_DIR) + "/tests/stacks/deploy/";
const std::string k_stackc = std::string(STACKC_BINARY_DIR) + "/cli/stackc";
const std::string k_socket = "/var/run/docker.sock";
const std::string k_namespace_label = "com.docker.stack.namespace";

struct Case {
  const char* name;
  std::vector<std::string> files;  // relative to tests/stacks/deploy
  const char* stack = nullptr;     // a fixed stack name instead of the run's prefix + name
  bool diff_clean = false;         // `stackc diff` over the reference's deployment: no change
};

// Every key family the converter handles: naming/labels, the default network, ports and
// endpoint modes, environment, modes (replicated, global, jobs), update/rollback config,
// resources and placement, restart policy and the restart: fallback, healthchecks, secrets and
// configs, networks (aliases, options, IPAM, name:, external host), volumes/binds/tmpfs,
// logging/ulimits/sysctls/capabilities, container fields, two merged files, image references.
const std::vector<Case> k_cases = {
    {"minimal", {"01-minimal.yml"}},
    {"ports", {"02-ports.yml"}},
    {"environment", {"03-environment.yml"}},
    {"modes", {"04-modes.yml"}},
    {"update_rollback", {"05-update-rollback.yml"}},
    {"resources_placement", {"06-resources-placement.yml"}},
    {"restart", {"07-restart.yml"}},
    {"healthcheck", {"08-healthcheck.yml"}},
    {"secrets_configs", {"09-secrets-configs.yml"}},
    {"networks", {"10-networks.yml"}},
    {"volumes", {"11-volumes.yml"}},
    {"logging_limits", {"12-logging-limits.yml"}},
    {"container_misc", {"13-container-misc.yml"}},
    {"dailylog", {"14-dailylog.yml"}},
    {"merged_files", {"15-base.yml", "15-override.yml"}},
    {"images", {"16-images.yml"}},
    {"credential_spec", {"17-credential-spec.yml"}},
    // Compose 3.12/3.13 keys, under the c313 prefix of the helper that added them.
    {"v3_13_keys", {"18-v3.13-keys.yml"}, "c313keys", true},
};

// gtest prints the case by name instead of its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// A prefix no other run (or helper sharing the lab) uses.
const std::string& run_prefix() {
  static const std::string prefix = [] {
    std::random_device device;
    return fmt::format("cvt{:06x}", device() & 0xffffff);
  }();
  return prefix;
}

std::set<std::string>& deployed_stacks() {
  static std::set<std::string> stacks;
  return stacks;
}

// The same environment for docker and stackc: `name:` overrides in the files use the stack
// name so that concurrent runs never share an object, and the IPAM subnet varies per stack.
RunOptions environment(const std::string& stack) {
  RunOptions options;
  options.timeout = std::chrono::seconds(60);
  options.env = {{"STACKC_CVT_PREFIX", stack},
                 {"STACKC_CVT_SUBNET", std::to_string(16 + std::hash<std::string>{}(stack) % 200)}};
  return options;
}

// GET on the Engine API through the socket. Not `docker ... inspect`: that asks the engine to
// insert swarmkit's runtime defaults, which are not part of the stored spec.
Json api(const std::string& path) {
  auto result =
      run({"curl", "-sS", "--fail", "--unix-socket", k_socket, "http://localhost/v1.41" + path},
          RunOptions().with_timeout(std::chrono::seconds(20)));
  if (!result.ok()) {
    ADD_FAILURE() << result.describe();
    return Json();
  }
  return Json::parse(result.out);
}

std::string label_filter(const std::string& stack) {
  // {"label":{"com.docker.stack.namespace=<stack>":true}}, URL-encoded.
  return fmt::format("?filters=%7B%22label%22%3A%7B%22{}%3D{}%22%3Atrue%7D%7D", k_namespace_label,
                     stack);
}

void drop_nulls(Json& value) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end();) {
      if (it.value().is_null()) {
        it = value.erase(it);
      } else {
        drop_nulls(it.value());
        ++it;
      }
    }
  } else if (value.is_array()) {
    for (Json& item : value) {
      drop_nulls(item);
    }
  }
}

// Removes live[key] when ours has no such key and the engine stored exactly `value` there.
void drop_default(const Json& ours, Json& live, const std::string& key, const Json& value) {
  if (live.is_object() && live.contains(key) && live[key] == value &&
      !(ours.is_object() && ours.contains(key))) {
    live.erase(key);
  }
}

const Json& child(const Json& value, const std::string& key) {
  static const Json k_none;
  return value.is_object() && value.contains(key) ? value[key] : k_none;
}

std::string base64_decode(const std::string& text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = -1;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    if (v < 0) continue;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

std::string sha256(const std::string& data) {
  auto result = run({"sha256sum"}, RunOptions().with_input(data));
  EXPECT_TRUE(result.ok()) << result.describe();
  return result.out.substr(0, 64);
}

// The engine-side differences between what the client sent and what the engine stores for a
// service (checked on the lab's 20.10 engine, API 1.41):
void normalize_service(const Json& ours, Json& live) {
  // Go writes the daemon's nil pointers as null (Privileges.CredentialSpec, ...); we omit them.
  drop_nulls(live);
  Json& task = live["TaskTemplate"];
  const Json& our_task = child(ours, "TaskTemplate");
  // The engine resolves network names to IDs on store; apply sends names too.
  if (task.contains("Networks")) {
    for (Json& attachment : task["Networks"]) {
      Json network = api("/networks/" + attachment["Target"].get<std::string>());
      if (network.is_object() && network.contains("Name")) {
        attachment["Target"] = network["Name"];
      }
    }
  }
  Json& container = task["ContainerSpec"];
  const Json& our_container = child(our_task, "ContainerSpec");
  // Secret and config IDs are looked up by the client at deploy time (apply's job, not
  // convert's): the converter leaves them out.
  for (const char* list : {"Secrets", "Configs"}) {
    if (container.contains(list)) {
      for (Json& reference : container[list]) {
        reference.erase("SecretID");
        reference.erase("ConfigID");
      }
    }
  }
  if (container.contains("Privileges") && container["Privileges"].contains("CredentialSpec")) {
    Json& cred = container["Privileges"]["CredentialSpec"];
    // The engine's CredentialSpec has no omitempty: the two unused fields come back as "".
    for (const char* field : {"Config", "File", "Registry"}) {
      if (cred.contains(field) && cred[field] == "") {
        cred.erase(field);
      }
    }
    // A config-based spec holds the config's ID, which the client looks up at deploy time
    // (apply's job, as for ConfigID); map it back to the config's name.
    if (cred.contains("Config")) {
      Json config = api("/configs/" + cred["Config"].get<std::string>());
      if (config.is_object() && config.contains("Spec")) {
        cred["Config"] = config["Spec"]["Name"];
      }
    }
  }
  // Defaults the daemon fills in when converting the request (daemon/cluster/convert):
  drop_default(our_container, container, "Isolation", "default");
  drop_default(our_task, task, "ForceUpdate", 0);
  drop_default(our_task, task, "Runtime", "container");
  if (task.contains("RestartPolicy")) {
    // swarmkit's MaxAttempts is a plain integer, so it always comes back.
    drop_default(child(our_task, "RestartPolicy"), task["RestartPolicy"], "MaxAttempts", 0);
  }
  if (live.contains("Mode") && live["Mode"].contains("Replicated")) {
    // A nil Replicas is stored as 1.
    drop_default(child(child(ours, "Mode"), "Replicated"), live["Mode"]["Replicated"], "Replicas",
                 1);
  }
  for (const char* block : {"UpdateConfig", "RollbackConfig"}) {
    if (live.contains(block)) {
      // An empty failure action / order are stored as the enum zero values; the ratio is a
      // plain float.
      const Json& our_block = child(ours, block);
      drop_default(our_block, live[block], "FailureAction", "pause");
      drop_default(our_block, live[block], "Order", "stop-first");
      drop_default(our_block, live[block], "MaxFailureRatio", 0);
    }
  }
  if (live.contains("EndpointSpec")) {
    Json& endpoint = live["EndpointSpec"];
    const Json& our_endpoint = child(ours, "EndpointSpec");
    // The resolution mode and port protocol/publish mode are enums whose zero values are
    // vip, tcp and ingress.
    drop_default(our_endpoint, endpoint, "Mode", "vip");
    if (endpoint.contains("Ports") && our_endpoint.contains("Ports") &&
        endpoint["Ports"].size() == our_endpoint["Ports"].size()) {
      for (size_t i = 0; i < endpoint["Ports"].size(); ++i) {
        drop_default(our_endpoint["Ports"][i], endpoint["Ports"][i], "Protocol", "tcp");
        drop_default(our_endpoint["Ports"][i], endpoint["Ports"][i], "PublishMode", "ingress");
      }
    }
  }
}

// compile shows credential-like env values as "NAME=<redacted, N bytes>": each such entry must
// stand where the live entry of that name is, with its value's length; then the live one counts.
void check_redacted_env(Json& ours, const Json& live) {
  static const Json::json_pointer at("/TaskTemplate/ContainerSpec/Env");
  if (!ours.contains(at)) {
    return;  // operator[] would add "Env": null where the spec has none
  }
  Json& env = ours[at];
  const Json& live_env = child(child(child(live, "TaskTemplate"), "ContainerSpec"), "Env");
  if (!env.is_array()) {
    return;
  }
  for (std::size_t i = 0; i < env.size(); ++i) {
    const std::string entry = env[i].get<std::string>();
    auto marker = entry.find("=<redacted, ");
    if (marker == std::string::npos) {
      continue;
    }
    ASSERT_TRUE(live_env.is_array() && i < live_env.size()) << entry;
    const std::string live_entry = live_env[i].get<std::string>();
    const std::string name = entry.substr(0, marker + 1);
    ASSERT_EQ(live_entry.substr(0, name.size()), name) << entry;
    EXPECT_EQ(entry.substr(marker + 1),
              fmt::format("<redacted, {} bytes>", live_entry.size() - name.size()));
    env[i] = live_entry;
  }
}

// Mount.Consistency is sent by the client but the 20.10 engine does not keep it for services
// (it only matters on Docker Desktop), so it is removed from ours. So is
// Healthcheck.StartInterval, which API 1.41 does not have: the docker CLI 28 sends it and the
// engine drops it (seen on the lab with a logging socket proxy).
void normalize_ours(Json& ours) {
  Json& container = ours["TaskTemplate"]["ContainerSpec"];
  if (container.contains("Healthcheck")) {
    container["Healthcheck"].erase("StartInterval");
  }
  if (container.contains("Mounts")) {
    for (Json& mount : container["Mounts"]) {
      mount.erase("Consistency");
    }
  }
}

// A network as the create request wrote it, from GET /networks/{id}.
Json network_view(const Json& ours, const Json& live) {
  Json view = Json::object();
  view["Name"] = live["Name"];
  view["Driver"] = live["Driver"];
  // Booleans the request omits when false.
  for (const char* flag : {"Internal", "Attachable"}) {
    if (live.value(flag, false)) {
      view[flag] = true;
    }
  }
  if (ours.contains("IPAM")) {
    // Without an IPAM block the engine picks the pool (not compared); with one, it adds the
    // "default" driver and a gateway per subnet.
    Json ipam = live["IPAM"];
    drop_nulls(ipam);
    drop_default(ours["IPAM"], ipam, "Driver", "default");
    if (ipam.contains("Config")) {
      for (Json& pool : ipam["Config"]) {
        pool.erase("Gateway");
      }
    }
    view["IPAM"] = ipam;
  }
  Json options = live.value("Options", Json::object());
  if (options.is_null()) {
    options = Json::object();
  }
  // The overlay driver records the VXLAN IDs it allocated among the options.
  options.erase("com.docker.network.driver.overlay.vxlanid_list");
  if (!options.empty()) {
    view["Options"] = options;
  }
  view["Labels"] = live["Labels"];
  return view;
}

std::map<std::string, Json> by_name(const Json& list, bool spec) {
  std::map<std::string, Json> out;
  if (!list.is_array()) {
    return out;
  }
  for (const Json& item : list) {
    const Json& object = spec ? item["Spec"] : item;
    out[object["Name"].get<std::string>()] = spec ? item["Spec"] : item;
  }
  return out;
}

std::set<std::string> names(const std::map<std::string, Json>& objects) {
  std::set<std::string> out;
  for (const auto& [name, object] : objects) {
    out.insert(name);
  }
  return out;
}

std::vector<std::string> with_files(std::vector<std::string> argv, const Case& c) {
  for (const std::string& file : c.files) {
    argv.push_back("-c");
    argv.push_back(k_stacks + file);
  }
  return argv;
}

// Everything the engine stores for a stack, keyed "<kind> <name>", with what differs between
// two deployments of the same files by construction taken out: object IDs (references are
// rewritten to names), the data of secrets (never returned), the VXLAN IDs and gateways the
// engine allocates, and the label stackc adds to its secrets and configs to find a changed
// content later (io.stackc.content-sha256).
std::map<std::string, Json> live_objects(const std::string& stack) {
  std::map<std::string, std::string> id_names;
  for (const char* kind : {"/networks", "/secrets", "/configs"}) {
    Json all = api(kind);
    for (const Json& object : all) {
      const Json& named = object.contains("Spec") ? object["Spec"] : object;
      const Json& id = object.contains("ID") ? object["ID"] : object["Id"];
      id_names[id.get<std::string>()] = named["Name"].get<std::string>();
    }
  }
  std::map<std::string, Json> out;
  const std::string filter = label_filter(stack);
  for (auto& [name, spec] : by_name(api("/services" + filter), true)) {
    drop_nulls(spec);
    Json& task = spec["TaskTemplate"];
    if (task.contains("Networks")) {
      for (Json& network : task["Networks"]) {
        network["Target"] = id_names[network["Target"].get<std::string>()];
      }
    }
    for (const char* kind : {"Secrets", "Configs"}) {
      if (task["ContainerSpec"].contains(kind)) {
        for (Json& reference : task["ContainerSpec"][kind]) {
          reference.erase(std::string(kind) == "Secrets" ? "SecretID" : "ConfigID");
        }
      }
    }
    if (task["ContainerSpec"].contains("Privileges") &&
        task["ContainerSpec"]["Privileges"].contains("CredentialSpec") &&
        task["ContainerSpec"]["Privileges"]["CredentialSpec"].contains("Config")) {
      Json& config = task["ContainerSpec"]["Privileges"]["CredentialSpec"]["Config"];
      config = id_names[config.get<std::string>()];
    }
    out["service " + name] = spec;
  }
  for (const auto& [name, network] : by_name(api("/networks" + filter), false)) {
    Json live = api("/networks/" + network["Id"].get<std::string>());
    Json view = network_view(live, live);
    view.erase("IPAM");  // pools the engine allocates differ per deployment; compile checks IPAM
    view["Labels"] = live["Labels"];
    out["network " + name] = view;
  }
  for (const char* kind : {"secrets", "configs"}) {
    for (auto& [name, spec] : by_name(api(std::string("/") + kind + filter), true)) {
      drop_nulls(spec);
      if (spec.contains("Labels")) {
        spec["Labels"].erase("io.stackc.content-sha256");
      }
      out[std::string(kind) + " " + name] = spec;
    }
  }
  return out;
}

class ConvertCompare : public ::testing::TestWithParam<Case> {
 public:
  // Removes every stack this run deployed and waits until the engine has let go of them.
  static void TearDownTestSuite() {
    std::vector<std::string> argv = {"docker", "stack", "rm"};
    for (const std::string& stack : deployed_stacks()) {
      argv.push_back(stack);
    }
    if (argv.size() == 3) {
      return;
    }
    auto removed = run(argv, RunOptions().with_timeout(std::chrono::seconds(60)));
    EXPECT_TRUE(removed.ok()) << removed.describe();
    bool gone = testing::poll_until(
        [] {
          for (const std::string& stack : deployed_stacks()) {
            for (const char* kind : {"/services", "/networks", "/secrets", "/configs"}) {
              Json list = api(kind + label_filter(stack));
              if (!list.is_array() || !list.empty()) {
                return false;
              }
            }
          }
          return true;
        },
        std::chrono::seconds(60), std::chrono::milliseconds(500));
    EXPECT_TRUE(gone) << "the stacks of this run were not removed within 60 s";
    deployed_stacks().clear();
  }
};

TEST_P(ConvertCompare, SameLiveObjectsAsDockerStackDeploy) {
  const Case& c = GetParam();
  const std::string stack = c.stack != nullptr ? std::string(c.stack) : run_prefix() + c.name;

  std::vector<std::string> compile_argv = with_files({k_stackc, "compile"}, c);
  compile_argv.push_back(stack);
  auto compiled = run(compile_argv, environment(stack));
  ASSERT_TRUE(compiled.ok()) << compiled.describe();
  Json ours = Json::parse(compiled.out);

  // stackc deploy first, then (after stackc rm, which waits until the stack is gone) the
  // reference under the same name: the live objects of the two must be the same.
  std::vector<std::string> our_deploy =
      with_files({k_stackc, "deploy", "--resolve-image", "never"}, c);
  our_deploy.push_back(stack);
  deployed_stacks().insert(stack);
  auto our_deployed = run(our_deploy, environment(stack));
  ASSERT_TRUE(our_deployed.ok()) << our_deployed.describe();
  std::map<std::string, Json> deployed_by_stackc = live_objects(stack);
  auto removed = run({k_stackc, "rm", stack}, environment(stack));
  ASSERT_TRUE(removed.ok()) << removed.describe();

  std::vector<std::string> deploy =
      with_files({"docker", "stack", "deploy", "--resolve-image", "never"}, c);
  deploy.push_back(stack);
  auto deployed = run(deploy, environment(stack));
  ASSERT_TRUE(deployed.ok()) << deployed.describe();
  std::map<std::string, Json> deployed_by_docker = live_objects(stack);
  ASSERT_FALSE(deployed_by_docker.empty());
  EXPECT_EQ(names(deployed_by_stackc), names(deployed_by_docker));
  for (const auto& [key, object] : deployed_by_docker) {
    auto found = deployed_by_stackc.find(key);
    if (found != deployed_by_stackc.end()) {
      EXPECT_EQ(found->second.dump(2), object.dump(2)) << key << " (stackc deploy vs docker)";
    }
  }

  if (c.diff_clean) {
    std::vector<std::string> diff = with_files({k_stackc, "diff"}, c);
    diff.push_back(stack);
    diff.insert(diff.begin() + 2, "--exit-code");
    auto diffed = run(diff, environment(stack));
    EXPECT_EQ(diffed.exit_code, 0) << "stackc diff over the reference's deployment\n"
                                   << diffed.describe();
  }

  const std::string filter = label_filter(stack);

  // Services: one live service per compiled spec, and nothing else.
  std::map<std::string, Json> live_services = by_name(api("/services" + filter), true);
  std::map<std::string, Json> our_services = by_name(ours["services"], false);
  EXPECT_EQ(names(our_services), names(live_services));
  for (auto& [name, spec] : our_services) {
    auto found = live_services.find(name);
    if (found == live_services.end()) {
      continue;
    }
    Json live = found->second;
    normalize_service(spec, live);
    check_redacted_env(spec, live);
    normalize_ours(spec);
    EXPECT_EQ(spec.dump(2), live.dump(2)) << "service " << name;
  }

  // Networks the stack created.
  std::map<std::string, Json> live_networks = by_name(api("/networks" + filter), false);
  std::map<std::string, Json> our_networks = by_name(ours["networks"], false);
  EXPECT_EQ(names(our_networks), names(live_networks));
  for (const auto& [name, spec] : our_networks) {
    auto found = live_networks.find(name);
    if (found != live_networks.end()) {
      Json live = api("/networks/" + found->second["Id"].get<std::string>());
      EXPECT_EQ(spec.dump(2), network_view(spec, live).dump(2)) << "network " << name;
    }
  }

  // Secrets: the engine never returns secret data, so Data is compared only for configs.
  std::map<std::string, Json> live_secrets = by_name(api("/secrets" + filter), true);
  std::map<std::string, Json> our_secrets = by_name(ours["secrets"], false);
  EXPECT_EQ(names(our_secrets), names(live_secrets));
  for (auto& [name, spec] : our_secrets) {
    auto found = live_secrets.find(name);
    if (found != live_secrets.end()) {
      EXPECT_FALSE(found->second.contains("Data")) << "the engine returned secret data";
      spec.erase("Data");
      Json live = found->second;
      drop_nulls(live);
      EXPECT_EQ(spec.dump(2), live.dump(2)) << "secret " << name;
    }
  }

  // Configs: compile prints the data's digest and size, the engine returns the data itself.
  std::map<std::string, Json> live_configs = by_name(api("/configs" + filter), true);
  std::map<std::string, Json> our_configs = by_name(ours["configs"], false);
  EXPECT_EQ(names(our_configs), names(live_configs));
  for (const auto& [name, spec] : our_configs) {
    auto found = live_configs.find(name);
    if (found != live_configs.end()) {
      Json live = found->second;
      drop_nulls(live);
      if (live.contains("Data")) {
        std::string data = base64_decode(live["Data"].get<std::string>());
        live["Data"] = Json{{"sha256", sha256(data)}, {"size", data.size()}};
      }
      EXPECT_EQ(spec.dump(2), live.dump(2)) << "config " << name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Stacks, ConvertCompare, ::testing::ValuesIn(k_cases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

// Offline: the secret's content never reaches the output, only its digest and size.
TEST(Compile, NeverPrintsSecretContent) {
  auto compiled = run({k_stackc, "compile", "-c", k_stacks + "09-secrets-configs.yml", "cvtx"},
                      environment("cvtx"));
  ASSERT_TRUE(compiled.ok()) << compiled.describe();
  EXPECT_THAT(compiled.out, ::testing::Not(::testing::HasSubstr("s3cr3t-deploy-value")));
  // base64 of "s3cr3t-deploy-value\n"
  EXPECT_THAT(compiled.out, ::testing::Not(::testing::HasSubstr("czNjcjN0LWRlcGxveS12YWx1ZQ")));
  EXPECT_THAT(
      compiled.out,
      ::testing::HasSubstr("095b71341ebcd079281877d02a7784c6701d2292d19ffb26e7479359acab0493"));
}

// Offline: environment values with credential-like names are shown as name and length only,
// like diff shows them, whether they come from the shell or an env file; others as they are.
TEST(Compile, RedactsCredentialLikeEnvironmentValues) {
  RunOptions options = environment("cvtx");
  options.env.emplace_back("CVTX_DB_PASSWORD", "hunter2-from-the-shell");
  auto compiled =
      run({k_stackc, "compile", "-c", "-", "cvtx"},
          RunOptions(options).with_input(
              "version: \"3.9\"\nservices:\n  web:\n    image: nginx\n    environment:\n"
              "      DB_PASSWORD: ${CVTX_DB_PASSWORD}\n      api_token: literal-token-value\n"
              "      PLAIN: ${CVTX_DB_PASSWORD}-visible\n"));
  ASSERT_TRUE(compiled.ok()) << compiled.describe();
  EXPECT_THAT(compiled.out, ::testing::HasSubstr("\"DB_PASSWORD=<redacted, 22 bytes>\""));
  EXPECT_THAT(compiled.out, ::testing::HasSubstr("\"api_token=<redacted, 19 bytes>\""));
  EXPECT_THAT(compiled.out, ::testing::Not(::testing::HasSubstr("literal-token-value")));
  // Not a credential-like name: printed as docker stack deploy would send it.
  EXPECT_THAT(compiled.out, ::testing::HasSubstr("\"PLAIN=hunter2-from-the-shell-visible\""));
  auto from_env_file =
      run({k_stackc, "compile", "-c", k_stacks + "03-environment.yml", "cvtx"}, options);
  ASSERT_TRUE(from_env_file.ok()) << from_env_file.describe();
  EXPECT_THAT(from_env_file.out, ::testing::HasSubstr("\"API_TOKEN=<redacted, 13 bytes>\""));
  EXPECT_THAT(from_env_file.out, ::testing::Not(::testing::HasSubstr("from-env-file")));
}

TEST(Compile, ExitStatuses) {
  RunOptions options = environment("cvtx");
  // An undefined network is a conversion error: exit 1 with the location.
  auto invalid =
      run({k_stackc, "--no-color", "compile", "-c", "-", "cvtx"},
          RunOptions(options).with_input("version: \"3.9\"\nservices:\n  web:\n    image: nginx\n"
                                         "    networks: [nope]\n"));
  EXPECT_EQ(invalid.exit_code, 1) << invalid.describe();
  EXPECT_THAT(invalid.err, ::testing::HasSubstr("-:5:16: error: undefined network \"nope\""));
  EXPECT_TRUE(invalid.out.empty());
  // A front-end error: exit 1.
  auto bad_yaml = run({k_stackc, "compile", "-c", "-", "cvtx"},
                      RunOptions(options).with_input("services: [\n"));
  EXPECT_EQ(bad_yaml.exit_code, 1) << bad_yaml.describe();
  // A missing file and a missing stack name: exit 2.
  auto missing = run({k_stackc, "compile", "-c", "/nonexistent/stack.yml", "cvtx"}, options);
  EXPECT_EQ(missing.exit_code, 2) << missing.describe();
  auto no_stack = run({k_stackc, "compile", "-c", k_stacks + "01-minimal.yml"}, options);
  EXPECT_EQ(no_stack.exit_code, 2) << no_stack.describe();
  auto blank_stack = run({k_stackc, "compile", "-c", k_stacks + "01-minimal.yml", "\"\""}, options);
  EXPECT_EQ(blank_stack.exit_code, 2) << blank_stack.describe();
  // An unreadable secret file is an I/O error (exit 2), reported at the `file:` line.
  auto no_secret =
      run({k_stackc, "--no-color", "compile", "-c", "-", "cvtx"},
          RunOptions(options).with_input("version: \"3.9\"\nservices:\n  web:\n    image: nginx\n"
                                         "secrets:\n  s:\n    file: /nonexistent/secret\n"));
  EXPECT_EQ(no_secret.exit_code, 2) << no_secret.describe();
  EXPECT_THAT(no_secret.err, ::testing::HasSubstr("secret \"s\": open /nonexistent/secret"));
}

}  // namespace
}  // namespace stackc
