// Convert, section by section: a small stack file through the real front end, then one JSON
// fragment of the result compared with what the docker CLI 28.2.2 client sends (facts from its
// convert package, confirmed on the lab by tests/integration/convert_compare_test.cc).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "backends/swarm/convert.h"
#include "backends/swarm/convert_internal.h"
#include "compiler/interpolate.h"
#include "compiler/load.h"

namespace stackc::swarm {
namespace {

using Json = nlohmann::json;

// A stack file in a fresh folder (with optional side files), loaded and converted as "st".
class Converted {
 public:
  explicit Converted(const std::string& yaml,
                     const std::vector<std::pair<std::string, std::string>>& files = {}) {
    static int counter = 0;
    m_dir = std::filesystem::temp_directory_path() /
            ("stackc-convert-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::create_directories(m_dir);
    write("stack.yml", yaml);
    for (const auto& [name, text] : files) {
      write(name, text);
    }
    MapEnv env;
    LoadOptions options;
    options.files = {(m_dir / "stack.yml").string()};
    options.env = &env;
    auto stack = load_stack(options, m_sources, diags);
    if (!stack) {
      ADD_FAILURE() << "front end failed: " << messages();
      return;
    }
    auto converted = convert_stack(*stack, ConvertOptions{"st"}, diags);
    if (converted) {
      result = std::move(*converted);
    }
  }
  ~Converted() {
    std::error_code ignored;
    std::filesystem::remove_all(m_dir, ignored);
  }

  Json service(const std::string& key) const {
    for (const DesiredService& service : result->services) {
      if (service.key == key) {
        return Json::parse(service.spec_json);
      }
    }
    ADD_FAILURE() << "no service " << key;
    return Json();
  }
  // The value at a JSON pointer in service `key`'s spec, or null when absent.
  Json at(const std::string& key, const std::string& pointer) const {
    Json spec = service(key);
    Json::json_pointer ptr(pointer);
    return spec.contains(ptr) ? spec.at(ptr) : Json();
  }
  std::string messages() const {
    std::string out;
    for (const Diagnostic& d : diags.items()) {
      out += std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + ": " + d.message +
             " [" + d.code + "]\n";
    }
    return out;
  }
  std::string path(const std::string& name) const { return (m_dir / name).string(); }

  Diagnostics diags;
  std::optional<DesiredStack> result;

 private:
  void write(const std::string& name, const std::string& text) {
    std::ofstream(m_dir / name, std::ios::binary) << text;
  }
  std::filesystem::path m_dir;
  SourceManager m_sources;
};

std::string service_yaml(const std::string& body, const std::string& top = "") {
  return "version: \"3.9\"\nservices:\n  web:\n    image: nginx:1.19\n" + body + top;
}

// --- Table: one service key family -> one fragment of the ServiceSpec ---------------------

struct FragmentCase {
  const char* name;
  std::string yaml;      // the lines under `web:` (after its image), plus top-level sections
  const char* pointer;   // into web's ServiceSpec
  const char* expected;  // JSON; "null" means absent
};

// gtest prints the case by name instead of its bytes.
void PrintTo(const FragmentCase& c, std::ostream* os) { *os << c.name; }

class Fragment : public ::testing::TestWithParam<FragmentCase> {};

TEST_P(Fragment, ConvertsAsTheReference) {
  const FragmentCase& c = GetParam();
  Converted converted(service_yaml(c.yaml));
  ASSERT_TRUE(converted.result) << converted.messages();
  EXPECT_EQ(converted.at("web", c.pointer), Json::parse(c.expected)) << converted.service("web");
}

const FragmentCase k_fragments[] = {
    // Naming and labels.
    {"name", "", "/Name", R"("st_web")"},
    {"service_labels", "    deploy:\n      labels: {a: '1', com.docker.stack.namespace: x}\n",
     "/Labels",
     R"({"a":"1","com.docker.stack.image":"nginx:1.19","com.docker.stack.namespace":"st"})"},
    {"container_labels", "    labels: [b=2, empty]\n", "/TaskTemplate/ContainerSpec/Labels",
     R"({"b":"2","com.docker.stack.namespace":"st","empty":""})"},
    {"image", "", "/TaskTemplate/ContainerSpec/Image", R"("nginx:1.19")"},
    // Container fields.
    {"env_sorted_bare", "    environment: {Z: z, A: a, BARE: , EMPTY: ''}\n",
     "/TaskTemplate/ContainerSpec/Env", R"(["A=a","BARE","EMPTY=","Z=z"])"},
    {"no_env", "", "/TaskTemplate/ContainerSpec/Env", "null"},
    {"entrypoint_string", "    entrypoint: /bin/sh -c 'echo hi'\n",
     "/TaskTemplate/ContainerSpec/Command", R"(["/bin/sh","-c","echo hi"])"},
    {"command_list", "    command: [a, 'b c']\n", "/TaskTemplate/ContainerSpec/Args",
     R"(["a","b c"])"},
    {"hosts", "    extra_hosts: ['a:1.2.3.4', 'b=::1']\n", "/TaskTemplate/ContainerSpec/Hosts",
     R"(["1.2.3.4 a","::1 b"])"},
    {"dns", "    dns: 1.1.1.1\n    dns_search: [x.org]\n", "/TaskTemplate/ContainerSpec/DNSConfig",
     R"({"Nameservers":["1.1.1.1"],"Search":["x.org"]})"},
    {"no_dns", "", "/TaskTemplate/ContainerSpec/DNSConfig", "null"},
    {"init_false_kept", "    init: false\n", "/TaskTemplate/ContainerSpec/Init", "false"},
    {"stop_grace", "    stop_grace_period: 1m30s\n", "/TaskTemplate/ContainerSpec/StopGracePeriod",
     "90000000000"},
    {"flags", "    tty: true\n    stdin_open: true\n    read_only: false\n",
     "/TaskTemplate/ContainerSpec/OpenStdin", "true"},
    {"read_only_false_omitted", "    read_only: false\n", "/TaskTemplate/ContainerSpec/ReadOnly",
     "null"},
    {"privileges_always", "", "/TaskTemplate/ContainerSpec/Privileges", "{}"},
    {"credential_registry", "    credential_spec: {registry: r}\n",
     "/TaskTemplate/ContainerSpec/Privileges", R"({"CredentialSpec":{"Registry":"r"}})"},
    {"caps", "    cap_add: [net_admin, ' chown ', CAP_NET_ADMIN]\n    cap_drop: [chown, mknod]\n",
     "/TaskTemplate/ContainerSpec/CapabilityDrop", R"(["CAP_MKNOD"])"},
    {"caps_add", "    cap_add: [net_admin, ' chown ', CAP_NET_ADMIN]\n",
     "/TaskTemplate/ContainerSpec/CapabilityAdd", R"(["CAP_CHOWN","CAP_NET_ADMIN"])"},
    {"caps_all", "    cap_add: [ALL, foo]\n    cap_drop: [all]\n",
     "/TaskTemplate/ContainerSpec/CapabilityAdd", R"(["ALL"])"},
    {"caps_all_drop_wins_nothing", "    cap_add: [ALL, foo]\n    cap_drop: [all]\n",
     "/TaskTemplate/ContainerSpec/CapabilityDrop", "null"},
    {"ulimits", "    ulimits:\n      nproc: 10\n      core: {soft: 1, hard: 2}\n",
     "/TaskTemplate/ContainerSpec/Ulimits",
     R"([{"Name":"core","Hard":2,"Soft":1},{"Name":"nproc","Hard":10,"Soft":10}])"},
    {"sysctls", "    sysctls: [net.core.somaxconn=1024]\n", "/TaskTemplate/ContainerSpec/Sysctls",
     R"({"net.core.somaxconn":"1024"})"},
    {"healthcheck_string",
     "    healthcheck:\n      test: curl x\n      interval: 2s\n      retries: 0\n",
     "/TaskTemplate/ContainerSpec/Healthcheck",
     R"({"Test":["CMD-SHELL","curl x"],"Interval":2000000000})"},
    {"healthcheck_disable", "    healthcheck:\n      disable: true\n      interval: 2s\n",
     "/TaskTemplate/ContainerSpec/Healthcheck", R"({"Test":["NONE"]})"},
    // 3.12: sent whatever the engine's API version (seen on the lab: docker 28.2.2 sends it to
    // a 1.41 engine, which drops it).
    {"healthcheck_start_interval",
     "    healthcheck:\n      start_period: 1m\n      start_interval: 1500ms\n",
     "/TaskTemplate/ContainerSpec/Healthcheck",
     R"({"StartPeriod":60000000000,"StartInterval":1500000000})"},
    {"healthcheck_start_interval_zero", "    healthcheck:\n      start_interval: 0s\n",
     "/TaskTemplate/ContainerSpec/Healthcheck", "{}"},
    // 3.13: accepted, never sent (docker 28.2.2's loader keeps it nowhere).
    {"oom_score_adj_not_sent", "    oom_score_adj: 500\n",
     "/TaskTemplate/ContainerSpec/OomScoreAdj", "null"},
    // Task template.
    {"resources_always", "", "/TaskTemplate/Resources", "{}"},
    {"resources",
     "    deploy:\n      resources:\n        limits: {cpus: '0.5', memory: 1k, pids: 5}\n"
     "        reservations:\n          generic_resources:\n"
     "            - discrete_resource_spec: {kind: gpu, value: 2}\n",
     "/TaskTemplate/Resources",
     R"({"Limits":{"NanoCPUs":500000000,"MemoryBytes":1024,"Pids":5},)"
     R"("Reservations":{"GenericResources":[{"DiscreteResourceSpec":{"Kind":"gpu","Value":2}}]}})"},
    {"placement",
     "    deploy:\n      placement:\n        constraints: [a==b]\n"
     "        preferences: [{spread: node.id}]\n        max_replicas_per_node: 2\n",
     "/TaskTemplate/Placement",
     R"({"Constraints":["a==b"],"Preferences":[{"Spread":{"SpreadDescriptor":"node.id"}}],"MaxReplicas":2})"},
    {"restart_policy",
     "    restart: always\n    deploy:\n      restart_policy:\n"
     "        condition: none\n        delay: 0s\n        max_attempts: 0\n",
     "/TaskTemplate/RestartPolicy", R"({"Condition":"none","Delay":0,"MaxAttempts":0})"},
    {"restart_always", "    restart: always\n", "/TaskTemplate/RestartPolicy",
     R"({"Condition":"any"})"},
    {"restart_unless_stopped", "    restart: unless-stopped\n", "/TaskTemplate/RestartPolicy",
     R"({"Condition":"any"})"},
    {"restart_on_failure", "    restart: on-failure\n", "/TaskTemplate/RestartPolicy",
     R"({"Condition":"on-failure","MaxAttempts":0})"},
    {"restart_on_failure_n", "    restart: on-failure:3\n", "/TaskTemplate/RestartPolicy",
     R"({"Condition":"on-failure","MaxAttempts":3})"},
    // The 28.2.2 client converts a negative count to uint64 (checked on the lab).
    {"restart_on_failure_negative", "    restart: on-failure:-1\n", "/TaskTemplate/RestartPolicy",
     R"({"Condition":"on-failure","MaxAttempts":18446744073709551615})"},
    {"restart_no", "    restart: \"no\"\n", "/TaskTemplate/RestartPolicy", "null"},
    {"logging", "    logging:\n      driver: syslog\n      options: {tag: x}\n",
     "/TaskTemplate/LogDriver", R"({"Name":"syslog","Options":{"tag":"x"}})"},
    {"no_logging", "", "/TaskTemplate/LogDriver", "null"},
    // Networks.
    {"default_network", "", "/TaskTemplate/Networks",
     R"([{"Target":"st_default","Aliases":["web"]}])"},
    {"networks_sorted_aliases",
     "    networks:\n      zeta:\n      alpha:\n        aliases: [a1]\nnetworks:\n  zeta:\n  "
     "alpha:\n",
     "/TaskTemplate/Networks",
     R"([{"Target":"st_alpha","Aliases":["a1","web"]},{"Target":"st_zeta","Aliases":["web"]}])"},
    {"network_name_and_host",
     "    networks: [named, hostnet]\nnetworks:\n  named: {name: shared}\n"
     "  hostnet: {external: true, name: host}\n",
     "/TaskTemplate/Networks", R"([{"Target":"host"},{"Target":"shared","Aliases":["web"]}])"},
    // 3.13: a service's options for one attachment, numbers as strings, an empty map omitted.
    {"network_driver_opts",
     "    networks:\n      a:\n        driver_opts: {mtu: 1400, z: x}\n      b:\n        "
     "driver_opts: {}\n"
     "networks:\n  a:\n  b:\n",
     "/TaskTemplate/Networks",
     R"([{"Target":"st_a","Aliases":["web"],"DriverOpts":{"mtu":"1400","z":"x"}},)"
     R"({"Target":"st_b","Aliases":["web"]}])"},
    // Mode, update/rollback, endpoint.
    {"replicated_nil", "", "/Mode", R"({"Replicated":{}})"},
    {"replicas_zero", "    deploy: {replicas: 0}\n", "/Mode", R"({"Replicated":{"Replicas":0}})"},
    {"global", "    deploy: {mode: global}\n", "/Mode", R"({"Global":{}})"},
    {"replicated_job", "    deploy: {mode: replicated-job, replicas: 3}\n", "/Mode",
     R"({"ReplicatedJob":{"MaxConcurrent":3,"TotalCompletions":3}})"},
    {"global_job", "    deploy: {mode: global-job}\n", "/Mode", R"({"GlobalJob":{}})"},
    {"update_default_parallelism", "    deploy:\n      update_config: {delay: 1s}\n",
     "/UpdateConfig", R"({"Parallelism":1,"Delay":1000000000})"},
    {"rollback_parallelism_zero",
     "    deploy:\n      rollback_config:\n        parallelism: 0\n"
     "        failure_action: pause\n        monitor: 1m\n        max_failure_ratio: 0.5\n"
     "        order: start-first\n",
     "/RollbackConfig",
     R"({"Parallelism":0,"FailureAction":"pause","Monitor":60000000000,"MaxFailureRatio":0.5,"Order":"start-first"})"},
    {"no_update_config", "", "/UpdateConfig", "null"},
    {"endpoint_always", "", "/EndpointSpec", "{}"},
    {"endpoint_mode_lowered", "    deploy: {endpoint_mode: DNSRR}\n", "/EndpointSpec/Mode",
     R"("dnsrr")"},
    {"ports_stable_by_published",
     "    ports:\n      - '9000:90'\n      - {target: 81, mode: host}\n      - '8000:80/udp'\n"
     "      - {target: 82}\n",
     "/EndpointSpec/Ports",
     R"([{"TargetPort":81,"PublishMode":"host"},{"TargetPort":82},)"
     R"({"Protocol":"udp","TargetPort":80,"PublishedPort":8000,"PublishMode":"ingress"},)"
     R"({"Protocol":"tcp","TargetPort":90,"PublishedPort":9000,"PublishMode":"ingress"}])"},
    // Mounts.
    {"named_volume", "    volumes: ['data:/d:ro']\nvolumes:\n  data:\n    labels: {x: y}\n",
     "/TaskTemplate/ContainerSpec/Mounts",
     R"([{"Type":"volume","Source":"st_data","Target":"/d","ReadOnly":true,)"
     R"("VolumeOptions":{"Labels":{"com.docker.stack.namespace":"st","x":"y"}}}])"},
    {"volume_name_driver",
     "    volumes: ['data:/d:nocopy']\nvolumes:\n  data:\n    name: real\n    driver: local\n"
     "    driver_opts: {o: bind}\n",
     "/TaskTemplate/ContainerSpec/Mounts",
     R"([{"Type":"volume","Source":"real","Target":"/d","VolumeOptions":{"NoCopy":true,)"
     R"("Labels":{"com.docker.stack.namespace":"st"},"DriverConfig":{"Name":"local","Options":{"o":"bind"}}}}])"},
    {"external_volume", "    volumes: ['data:/d']\nvolumes:\n  data:\n    external: true\n",
     "/TaskTemplate/ContainerSpec/Mounts",
     R"([{"Type":"volume","Source":"data","Target":"/d","VolumeOptions":{}}])"},
    {"anonymous_volume", "    volumes: ['/anon']\n", "/TaskTemplate/ContainerSpec/Mounts",
     R"([{"Type":"volume","Target":"/anon"}])"},
    {"bind", "    volumes: ['/tmp:/t:rshared']\n", "/TaskTemplate/ContainerSpec/Mounts",
     R"([{"Type":"bind","Source":"/tmp","Target":"/t","BindOptions":{"Propagation":"rshared"}}])"},
    {"tmpfs", "    volumes:\n      - {type: tmpfs, target: /x, tmpfs: {size: 100}}\n",
     "/TaskTemplate/ContainerSpec/Mounts",
     R"([{"Type":"tmpfs","Target":"/x","TmpfsOptions":{"SizeBytes":100}}])"},
    // 3.10 cluster volumes: a group is sent as written, a stack volume namespaced unless named.
    {"cluster_mounts",
     "    volumes:\n      - {type: cluster, source: 'group:g', target: /g}\n"
     "      - {type: cluster, source: cv, target: /c, read_only: true}\n"
     "      - {type: cluster, source: ext, target: /e}\n"
     "      - {type: cluster, source: named, target: /n}\n"
     "volumes:\n  cv:\n    driver: csi\n    x-cluster-spec: {group: g}\n  ext: {external: true}\n"
     "  named: {name: real}\n",
     "/TaskTemplate/ContainerSpec/Mounts",
     R"([{"Type":"cluster","Source":"group:g","Target":"/g","ClusterOptions":{}},)"
     R"({"Type":"cluster","Source":"st_cv","Target":"/c","ReadOnly":true,"ClusterOptions":{}},)"
     R"({"Type":"cluster","Source":"ext","Target":"/e","ClusterOptions":{}},)"
     R"({"Type":"cluster","Source":"real","Target":"/n","ClusterOptions":{}}])"},
    {"consistency",
     "    volumes:\n      - {type: bind, source: /tmp, target: /x, consistency: cached}\n",
     "/TaskTemplate/ContainerSpec/Mounts",
     R"([{"Type":"bind","Source":"/tmp","Target":"/x","Consistency":"cached"}])"},
};

INSTANTIATE_TEST_SUITE_P(Sections, Fragment, ::testing::ValuesIn(k_fragments),
                         [](const ::testing::TestParamInfo<FragmentCase>& info) {
                           return std::string(info.param.name);
                         });

// --- Errors the converter reports, with the location of the offending value --------------

struct ErrorCase {
  const char* name;
  std::string yaml;
  const char* message;
  uint32_t line;  // 1-based; 0 = do not check
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class ConvertError : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ConvertError, IsReportedWithItsLocation) {
  const ErrorCase& c = GetParam();
  Converted converted(service_yaml(c.yaml));
  EXPECT_FALSE(converted.result);
  ASSERT_TRUE(converted.diags.has_errors());
  const Diagnostic* found = nullptr;
  for (const Diagnostic& d : converted.diags.items()) {
    if (d.severity == Severity::error && d.message.find(c.message) != std::string::npos) {
      found = &d;
    }
  }
  ASSERT_NE(found, nullptr) << converted.messages();
  EXPECT_THAT(found->code, ::testing::StartsWith("STK06"));
  if (c.line != 0) {
    EXPECT_EQ(found->loc.line, c.line) << converted.messages();
  }
}

const ErrorCase k_errors[] = {
    {"undefined_network", "    networks: [nope]\n", "undefined network \"nope\"", 5},
    {"undefined_volume", "    volumes: ['nope:/x']\n", "undefined volume \"nope\"", 5},
    {"undefined_secret", "    secrets: [nope]\n", "undefined secret \"nope\"", 5},
    {"undefined_config", "    configs:\n      - source: nope\n", "undefined config \"nope\"", 6},
    {"replicas_with_global", "    deploy:\n      mode: global\n      replicas: 2\n",
     "replicas can only be used with replicated or replicated-job mode", 7},
    {"unknown_mode", "    deploy:\n      mode: sometimes\n", "unknown mode: sometimes", 6},
    {"test_and_disable", "    healthcheck:\n      test: x\n      disable: true\n",
     "test and disable can't be set at the same time", 7},
    {"restart_unknown", "    restart: sometimes\n", "unknown restart policy", 5},
    {"restart_count", "    restart: on-failure:x\n", "maximum retry count must be an integer", 5},
    {"credential_two", "    credential_spec: {file: a, registry: b}\n",
     "invalid credential spec: cannot specify both \"File\" and \"Registry\"", 0},
    {"bind_nocopy", "    volumes: ['/tmp:/x:nocopy']\n",
     "volume options are incompatible with type bind", 5},
    {"volume_propagation", "    volumes: ['data:/x:rshared']\nvolumes:\n  data:\n",
     "bind options are incompatible with type volume", 5},
    {"tmpfs_source", "    volumes:\n      - {type: tmpfs, source: a, target: /x}\n",
     "invalid tmpfs source, source must be empty", 6},
    {"cluster_no_source", "    volumes:\n      - {type: cluster, target: /x}\n",
     "invalid cluster source, source cannot be empty", 6},
    {"cluster_volume_options",
     "    volumes:\n      - {type: cluster, source: v, target: /x, volume: {nocopy: true}}\n"
     "volumes:\n  v:\n",
     "volume options are incompatible with type cluster", 6},
    {"cluster_undefined", "    volumes:\n      - {type: cluster, source: nope, target: /x}\n",
     "undefined volume \"nope\"", 6},
    {"duplicate_secret_target",
     "    secrets:\n      - {source: a, target: t}\n      - {source: b, target: t}\n"
     "secrets:\n  a: {external: true}\n  b: {external: true}\n",
     "duplicate secret target for b not allowed", 7},
};

INSTANTIATE_TEST_SUITE_P(Sections, ConvertError, ::testing::ValuesIn(k_errors),
                         [](const ::testing::TestParamInfo<ErrorCase>& info) {
                           return std::string(info.param.name);
                         });

// --- Stack-level objects ----------------------------------------------------------------

TEST(ConvertStack, NetworksOnlyThoseUsedAndSortedByName) {
  Converted converted(
      "version: \"3.9\"\nservices:\n  a:\n    image: x\n    networks: [front, ext]\n"
      "  b:\n    image: x\nnetworks:\n  front:\n    driver_opts: {mtu: 1400}\n"
      "    attachable: true\n    ipam:\n      driver: default\n      config: [{subnet: "
      "10.9.0.0/24}]\n"
      "  unused: {}\n  ext: {external: true, name: shared-net}\n");
  ASSERT_TRUE(converted.result) << converted.messages();
  const auto& networks = converted.result->networks;
  ASSERT_EQ(networks.size(), 3u);
  EXPECT_EQ(networks[0].name, "shared-net");
  EXPECT_TRUE(networks[0].external);
  EXPECT_TRUE(networks[0].spec_json.empty());
  EXPECT_EQ(networks[1].name, "st_default");
  EXPECT_EQ(Json::parse(networks[1].spec_json),
            Json::parse(R"({"Name":"st_default","Driver":"overlay",)"
                        R"("Labels":{"com.docker.stack.namespace":"st"}})"));
  EXPECT_EQ(networks[2].key, "front");
  EXPECT_EQ(
      Json::parse(networks[2].spec_json),
      Json::parse(R"({"Name":"st_front","Driver":"overlay","Attachable":true,)"
                  R"("IPAM":{"Driver":"default","Config":[{"Subnet":"10.9.0.0/24"}]},)"
                  R"("Options":{"mtu":"1400"},"Labels":{"com.docker.stack.namespace":"st"}})"));
}

TEST(ConvertStack, SecretsAndConfigsFromFiles) {
  Converted converted(
      "version: \"3.9\"\nservices:\n  web:\n    image: x\n    secrets:\n      - pw\n"
      "      - {source: ext, target: /t, uid: '1', mode: 0400}\n    configs: [conf]\n"
      "secrets:\n  pw:\n    file: ./pw.txt\n    labels: [k=v]\n  unused:\n    file: ./pw.txt\n"
      "  ext:\n    external: true\n  vault:\n    driver: vaultd\n    driver_opts: {a: b}\n"
      "configs:\n  conf:\n    name: conf-v1\n    file: ./c.txt\n    template_driver: golang\n",
      {{"pw.txt", "hunter2"}, {"c.txt", ""}});
  ASSERT_TRUE(converted.result) << converted.messages();
  const auto& secrets = converted.result->secrets;
  ASSERT_EQ(secrets.size(), 4u);
  EXPECT_EQ(secrets[0].name, "ext");
  EXPECT_TRUE(secrets[0].external);
  EXPECT_EQ(secrets[1].name, "st_pw");
  EXPECT_EQ(Json::parse(secrets[1].spec_json),
            Json::parse(R"({"Name":"st_pw","Labels":{"com.docker.stack.namespace":"st","k":"v"},)"
                        R"("Data":"aHVudGVyMg=="})"));
  EXPECT_EQ(secrets[1].data_size, 7u);
  EXPECT_EQ(secrets[1].data_sha256,
            "f52fbd32b2b3b86ff88ef6c490628285f482af15ddcb29541f94bcf526a3f6c7");
  EXPECT_EQ(secrets[2].name, "st_unused");  // declared, unused: created anyway
  EXPECT_EQ(Json::parse(secrets[3].spec_json),
            Json::parse(R"({"Name":"st_vault","Labels":{"com.docker.stack.namespace":"st"},)"
                        R"("Driver":{"Name":"vaultd","Options":{"a":"b"}}})"));
  ASSERT_EQ(converted.result->configs.size(), 1u);
  // An empty file sends no Data at all (Go's omitempty on []byte).
  EXPECT_EQ(Json::parse(converted.result->configs[0].spec_json),
            Json::parse(R"({"Name":"conf-v1","Labels":{"com.docker.stack.namespace":"st"},)"
                        R"("Templating":{"Name":"golang"}})"));
  EXPECT_EQ(converted.at("web", "/TaskTemplate/ContainerSpec/Secrets"),
            Json::parse(
                R"([{"File":{"Name":"/t","UID":"1","GID":"0","Mode":256},"SecretName":"ext"},)"
                R"({"File":{"Name":"pw","UID":"0","GID":"0","Mode":292},"SecretName":"st_pw"}])"));
  EXPECT_EQ(
      converted.at("web", "/TaskTemplate/ContainerSpec/Configs"),
      Json::parse(
          R"([{"File":{"Name":"conf","UID":"0","GID":"0","Mode":292},"ConfigName":"conf-v1"}])"));
}

TEST(ConvertStack, UnreadableSecretFileIsAnErrorAtItsFileKey) {
  Converted converted(
      "version: \"3.9\"\nservices:\n  web:\n    image: x\nsecrets:\n  s:\n    file: ./missing\n");
  EXPECT_FALSE(converted.result);
  ASSERT_EQ(converted.diags.error_count(), 1u) << converted.messages();
  const Diagnostic& d = converted.diags.items().back();
  EXPECT_EQ(d.code, "STK062");
  EXPECT_EQ(d.loc.line, 7u);
  EXPECT_THAT(d.message, ::testing::HasSubstr("secret \"s\": open " + converted.path("missing")));
}

TEST(ConvertStack, ServicesSortedWithDependsOnAndImageAsWritten) {
  Converted converted(
      "version: \"3.9\"\nservices:\n  b:\n    image: redis\n    depends_on: [a]\n"
      "  a:\n    image: docker.io/library/nginx:1.21\n");
  ASSERT_TRUE(converted.result) << converted.messages();
  const auto& services = converted.result->services;
  ASSERT_EQ(services.size(), 2u);
  EXPECT_EQ(services[0].name, "st_a");
  EXPECT_EQ(services[1].name, "st_b");
  EXPECT_EQ(services[1].depends_on, std::vector<std::string>{"a"});
  EXPECT_EQ(services[1].image, "redis");
  EXPECT_EQ(converted.at("b", "/TaskTemplate/ContainerSpec/Image"), "redis:latest");
  EXPECT_EQ(converted.at("a", "/TaskTemplate/ContainerSpec/Image"), "nginx:1.21");
  EXPECT_EQ(converted.at("a", "/Labels/com.docker.stack.image"), "docker.io/library/nginx:1.21");
}

// --- Helpers ------------------------------------------------------------------------------

TEST(TaggedImage, NormalizesAsTheClient) {
  using detail::tagged_image;
  EXPECT_EQ(tagged_image("nginx"), "nginx:latest");
  EXPECT_EQ(tagged_image("nginx:1.19"), "nginx:1.19");
  EXPECT_EQ(tagged_image("library/nginx"), "nginx:latest");
  EXPECT_EQ(tagged_image("docker.io/library/nginx:1.21"), "nginx:1.21");
  EXPECT_EQ(tagged_image("index.docker.io/dbgurum/dailylog"), "dbgurum/dailylog:latest");
  EXPECT_EQ(tagged_image("docker.io/dbgurum/dailylog:db_1.0"), "dbgurum/dailylog:db_1.0");
  EXPECT_EQ(tagged_image("localhost:5000/team/app"), "localhost:5000/team/app:latest");
  EXPECT_EQ(tagged_image("localhost/app:2"), "localhost/app:2");
  EXPECT_EQ(tagged_image("ghcr.io/o/library/x"), "ghcr.io/o/library/x:latest");
  const std::string digest =
      "nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000";
  EXPECT_EQ(tagged_image(digest), digest);
  EXPECT_EQ(tagged_image("NGINX"), "NGINX");  // invalid: sent as written
  EXPECT_EQ(tagged_image("a/B/c"), "a/B/c");
  EXPECT_EQ(tagged_image("nginx:bad tag"), "nginx:bad tag");
  const std::string huge(100000, 'a');
  EXPECT_EQ(tagged_image(huge), huge);  // refused unparsed, not a stack overflow
}

TEST(Base64, EncodesWithPadding) {
  using detail::base64;
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64(std::string("\xff\x00\xfe", 3)), "/wD+");
}

}  // namespace
}  // namespace stackc::swarm
