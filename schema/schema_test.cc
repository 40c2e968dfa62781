#include "schema/schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "compiler/diag.h"
#include "compiler/source.h"
#include "compiler/yaml.h"

namespace stackc {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Parses `text` and validates it; returns "line:col: CODE message" per diagnostic, with notes as
// "line:col: note: message" right after their diagnostic.
std::vector<std::string> check(const std::string& text) {
  SourceManager sources;
  const SourceFile* file = sources.add("stack.yml", text);
  Diagnostics diags;
  std::optional<SNode> root = parse_yaml(*file, diags);
  EXPECT_TRUE(root.has_value()) << "test input must be valid YAML";
  if (!root) {
    return {"YAML error"};
  }
  validate_schema(*root, diags);
  std::vector<std::string> out;
  for (const Diagnostic& d : diags.items()) {
    out.push_back(std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + ": " + d.code +
                  " " + d.message);
    for (const Note& note : d.notes) {
      out.push_back(std::to_string(note.loc.line) + ":" + std::to_string(note.loc.col) +
                    ": note: " + note.message);
    }
  }
  return out;
}

const char* const k_web = "version: \"3.9\"\nservices:\n  web:\n    image: nginx\n";

TEST(Schema, EmbeddedSchemaHasNoFormatKeyword) {
  // valijson 1.0 throws when `format` meets a non-string; the schema must not use it at all.
  const std::string_view text = compose_schema_json();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.front(), '{');
  EXPECT_NE(text.find("\"definitions\""), std::string_view::npos);
  EXPECT_EQ(text.find("\"format\""), std::string_view::npos);
}

TEST(Schema, MinimalStackIsValid) { EXPECT_THAT(check(k_web), IsEmpty()); }

TEST(Schema, UnknownTopLevelKey) {
  EXPECT_THAT(check(std::string(k_web) + "servics: {}\n"),
              ElementsAre("5:1: STK050 unknown top-level key 'servics'; did you mean 'services'?"));
  EXPECT_THAT(check(std::string(k_web) + "stuff: 1\n"),
              ElementsAre("5:1: STK050 unknown top-level key 'stuff' (extension keys must start "
                          "with 'x-')"));
}

TEST(Schema, UnknownServiceKeyWithSuggestion) {
  EXPECT_THAT(check("version: \"3.9\"\nservices:\n  web:\n    imagee: nginx\n    replica: 2\n"),
              ElementsAre("4:5: STK050 services.web has no key 'imagee'; did you mean 'image'?",
                          "5:5: STK050 services.web has no key 'replica' (extension keys must "
                          "start with 'x-')"));
}

TEST(Schema, UnknownNestedKeys) {
  EXPECT_THAT(check(std::string(k_web) + "    deploy:\n      replica: 2\n      x-foo: 1\n"
                                         "      restart_policy:\n        conditon: any\n"),
              ElementsAre("6:7: STK050 services.web.deploy has no key 'replica'; did you mean "
                          "'replicas'?",
                          "7:7: STK050 services.web.deploy has no key 'x-foo'",
                          "9:9: STK050 services.web.deploy.restart_policy has no key 'conditon'; "
                          "did you mean 'condition'?"));
}

TEST(Schema, WrongTypes) {
  EXPECT_THAT(check(std::string(k_web) + "    deploy:\n      replicas: \"3\"\n"),
              ElementsAre("6:17: STK051 services.web.deploy.replicas must be an integer, not a "
                          "string"));
  // The reference requires strings for cpus and memory: an unquoted number fails.
  EXPECT_THAT(check(std::string(k_web) +
                    "    deploy:\n      resources:\n        limits:\n          cpus: 0.5\n"
                    "          memory: 512\n"),
              ElementsAre("8:17: STK051 services.web.deploy.resources.limits.cpus must be a "
                          "string, not a number",
                          "9:19: STK051 services.web.deploy.resources.limits.memory must be a "
                          "string, not an integer"));
  EXPECT_THAT(check(std::string(k_web) + "    environment: 5\n"),
              ElementsAre("5:18: STK051 services.web.environment must be a mapping or a list of "
                          "strings, not an integer"));
  EXPECT_THAT(check(std::string(k_web) + "    environment:\n      A: [1]\n"),
              ElementsAre("6:10: STK051 services.web.environment.A must be a string, a number or "
                          "null, not a list"));
  // valijson alone stops at the first bad value of a map; both are reported.
  EXPECT_THAT(check(std::string(k_web) + "    labels:\n      a: [1]\n      b: {c: d}\n"),
              ElementsAre("6:10: STK051 services.web.labels.a must be a string, a number or "
                          "null, not a list",
                          "7:10: STK051 services.web.labels.b must be a string, a number or "
                          "null, not a mapping"));
  EXPECT_THAT(check(std::string(k_web) + "    ports:\n      - target: \"80\"\n"),
              ElementsAre("6:17: STK051 services.web.ports[0].target must be an integer, not a "
                          "string"));
  EXPECT_THAT(check("version: \"3.9\"\nservices:\n  web:\n"),
              ElementsAre("3:3: STK051 services.web must be a mapping, not null"));
  EXPECT_THAT(check("version: 3.9\nservices: {}\n"),
              ElementsAre("1:10: STK051 version must be a string, not a number"));
}

// Values docker stack config takes but the engine then refuses or never runs (found on the lab;
// tests/lint/broken/ has the whole files).
TEST(Schema, ValuesTheEngineRefusesAfterTheDeployStarted) {
  auto with_note = [](const std::vector<std::string>& found) {
    return found.size() == 2 && found[1].find("note: stackc is stricter") != std::string::npos;
  };
  EXPECT_THAT(
      check(std::string(k_web) + "    ports:\n      - target: 80\n        published: 70000\n"),
      ElementsAre("7:20: STK052 services.web.ports[0].published must be between 0 and 65535, "
                  "not 70000"));
  auto bind = check(std::string(k_web) +
                    "    volumes:\n      - type: bind\n        source: /srv\n        target: /srv\n"
                    "        bind: {propagation: sideways}\n");
  ASSERT_TRUE(with_note(bind)) << ::testing::PrintToString(bind);
  EXPECT_EQ(bind[0],
            "9:29: STK052 services.web.volumes[0].bind.propagation must be one of "
            "'rprivate', 'private', 'rshared', 'shared', 'rslave' or 'slave', not "
            "'sideways'");
  EXPECT_THAT(check(std::string(k_web) +
                    "    volumes:\n      - type: bind\n        source: /srv\n        target: /srv\n"
                    "        bind: {propagation: RShared}\n"),
              ElementsAre());
  auto config = check(std::string(k_web) +
                      "configs:\n  site:\n    file: ./a\n"
                      "    template_driver: jinja2\n");
  ASSERT_TRUE(with_note(config)) << ::testing::PrintToString(config);
  EXPECT_EQ(config[0], "8:22: STK052 configs.site.template_driver must be 'golang', not 'jinja2'");
}

TEST(Schema, EnumViolations) {
  EXPECT_THAT(
      check(std::string(k_web) + "    deploy:\n      mode: replicate\n"),
      ElementsAre("6:13: STK052 services.web.deploy.mode must be one of 'replicated', 'global', "
                  "'replicated-job' or 'global-job', not 'replicate'; did you mean 'replicated'?",
                  "6:13: note: stackc is stricter than docker stack deploy here: docker accepts "
                  "any string here and fails half-way through the deploy with 'unknown mode'."));
  EXPECT_THAT(
      check(std::string(k_web) + "    deploy:\n      update_config:\n        order: first\n"),
      ElementsAre("7:16: STK052 services.web.deploy.update_config.order must be "
                  "'start-first' or 'stop-first', not 'first'"));
  EXPECT_THAT(check(std::string(k_web) + "    ports:\n      - target: 80\n        protocol: tpc\n"),
              ElementsAre("7:19: STK052 services.web.ports[0].protocol must be one of 'tcp', "
                          "'udp' or 'sctp', not 'tpc'; did you mean 'tcp'?",
                          "7:19: note: stackc is stricter than docker stack deploy here: the "
                          "engine maps an unknown protocol to tcp without a word."));
  // The engine reads these case-insensitively, so we do too.
  EXPECT_THAT(check(std::string(k_web) +
                    "    ports:\n      - target: 80\n        protocol: UDP\n        mode: Host\n"
                    "    deploy:\n      endpoint_mode: DNSRR\n"),
              IsEmpty());
  EXPECT_THAT(
      check(std::string(k_web) + "    volumes:\n      - type: bnd\n        target: /b\n"
                                 "    deploy:\n      restart_policy:\n        condition: always\n"
                                 "      update_config:\n        failure_action: stop\n"),
      ElementsAre("6:15: STK052 services.web.volumes[0].type must be one of 'volume', "
                  "'bind', 'tmpfs', 'npipe' or 'cluster', not 'bnd'; did you mean 'bind'?",
                  "6:15: note: stackc is stricter than docker stack deploy here: docker "
                  "accepts any string here and fails half-way through the deploy.",
                  "10:20: STK052 services.web.deploy.restart_policy.condition must be one "
                  "of 'none', 'on-failure' or 'any', not 'always'",
                  "10:20: note: stackc is stricter than docker stack deploy here: docker "
                  "accepts any string here and the engine rejects it half-way through the "
                  "deploy.",
                  "12:25: STK052 services.web.deploy.update_config.failure_action must be "
                  "one of 'pause', 'continue' or 'rollback', not 'stop'",
                  "12:25: note: stackc is stricter than docker stack deploy here: docker "
                  "accepts any string here and the engine rejects it half-way through the "
                  "deploy."));
}

TEST(Schema, RangeRequiredAndDuplicates) {
  EXPECT_THAT(check(std::string(k_web) +
                    "    volumes:\n      - source: /a\n        target: /b\n"
                    "      - type: tmpfs\n        target: /t\n        tmpfs:\n          size: -1\n"
                    "    ulimits:\n      nofile:\n        soft: 1\n"
                    "    cap_add: [NET_ADMIN, SYS_TIME, NET_ADMIN]\n"),
              ElementsAre("6:9: STK053 services.web.volumes[0] is missing the required key 'type'",
                          "11:17: STK052 services.web.volumes[1].tmpfs.size must be at least 0, "
                          "not -1",
                          "14:9: STK053 services.web.ulimits.nofile is missing the required key "
                          "'hard'",
                          "15:36: STK054 services.web.cap_add[2] repeats an earlier item "
                          "('NET_ADMIN'); the items of services.web.cap_add must be unique"));
}

TEST(Schema, RepeatedItemsInLongListsAreFoundQuickly) {
  // valijson compares every pair and reports every equal pair; we sort instead, and say it once.
  std::string text = std::string(k_web) + "    cap_add:\n";
  for (int i = 0; i < 20000; ++i) {
    text += "      - NET_ADMIN\n";
  }
  EXPECT_THAT(check(text), ElementsAre("7:9: STK054 services.web.cap_add[1] repeats an earlier "
                                       "item ('NET_ADMIN'); the items of services.web.cap_add "
                                       "must be unique (19999 repeated items in all)"));
  // Equal as JSON: 80 and "80" differ, 80 and 80.0 do not (docker compares after encoding/json).
  EXPECT_THAT(check(std::string(k_web) + "    expose: [80, \"80\"]\n"), IsEmpty());
  EXPECT_THAT(check(std::string(k_web) + "    expose: [80, 80.0]\n"),
              ElementsAre("5:18: STK054 services.web.expose[1] repeats an earlier item ('80.0'); "
                          "the items of services.web.expose must be unique"));
}

TEST(Schema, HugeBrokenFileStaysQuickAndShort) {
  // 30 000 wrong values in one service: reported up to a cap, in well under a second.
  std::string text = std::string(k_web) + "    environment:\n";
  for (int i = 0; i < 30000; ++i) {
    text += "      K" + std::to_string(i) + ": [x]\n";
  }
  const std::vector<std::string> out = check(text);
  ASSERT_EQ(out.size(), 51u);
  EXPECT_EQ(out[0], "3:3: STK050 too many problems in services.web; stopping after 50");
  // Sorted by place, so K0 comes first, then K1, K10, K100, ...
  EXPECT_EQ(out[1],
            "6:11: STK051 services.web.environment.K0 must be a string, a number or null, not a "
            "list");
}

TEST(Schema, BadNames) {
  EXPECT_THAT(check("version: \"3.9\"\nservices:\n  \"we b\":\n    image: nginx\n"
                    "  ok:\n    image: nginx\nvolumes:\n  \"da/ta\": {}\n"),
              ElementsAre("3:3: STK055 'we b' is not a valid name in services: use only letters, "
                          "digits, '.', '_' and '-'",
                          "8:3: STK055 'da/ta' is not a valid name in volumes: use only letters, "
                          "digits, '.', '_' and '-'"));
  // docker's 3.9 schema does not check network names at all.
  EXPECT_THAT(check(std::string(k_web) + "networks:\n  \"my net\":\n"),
              ElementsAre("6:3: STK055 'my net' is not a valid name in networks: use only letters, "
                          "digits, '.', '_' and '-'",
                          "6:3: note: stackc is stricter than docker stack deploy here: docker's "
                          "3.9 schema forgot additionalProperties:false here, so it accepts any "
                          "network name and skips checking that network's definition."));
  EXPECT_THAT(check(std::string(k_web) + "    networks:\n      \"a b\":\n"),
              ElementsAre("6:7: STK055 'a b' is not a valid name in services.web.networks: use "
                          "only letters, digits, '.', '_' and '-'"));
}

TEST(Schema, ExtensionsAcceptedWhereTheReferenceAllowsThem) {
  EXPECT_THAT(check("version: \"3.9\"\nx-top: {any: [thing]}\nservices:\n  web:\n    image: nginx\n"
                    "    x-svc: 1\nnetworks:\n  front:\n    x-n: 1\nvolumes:\n  data:\n    x-v: 1\n"
                    "secrets:\n  s:\n    file: ./s.txt\n    x-s: 1\nconfigs:\n  c:\n"
                    "    file: ./c.txt\n    x-c: 1\n"),
              IsEmpty());
}

TEST(Schema, DependsOnLongFormIsRejected) {
  EXPECT_THAT(
      check(std::string(k_web) + "    depends_on:\n      db:\n        condition: service_started\n"
                                 "  db:\n    image: postgres\n"),
      ElementsAre("6:7: STK051 services.web.depends_on must be a list of strings, not a "
                  "mapping"));
  EXPECT_THAT(check(std::string(k_web) + "    depends_on: [db]\n  db:\n    image: postgres\n"),
              IsEmpty());
}

TEST(Schema, DeployNullIsAccepted) {
  EXPECT_THAT(check(std::string(k_web) + "    deploy:\n"), IsEmpty());
  EXPECT_THAT(check(std::string(k_web) + "    deploy: ~\n"), IsEmpty());
}

TEST(Schema, WholeFloatCountsAsInteger) {
  // The reference passes YAML through encoding/json first, which writes 2.0 as 2.
  EXPECT_THAT(check(std::string(k_web) + "    deploy:\n      replicas: 2.0\n"), IsEmpty());
  EXPECT_THAT(check(std::string(k_web) + "    deploy:\n      replicas: 2.5\n"),
              ElementsAre("6:17: STK051 services.web.deploy.replicas must be an integer, not a "
                          "number"));
}

TEST(Schema, ErrorsInSeveralServicesAreAllReported) {
  // valijson alone stops after the first failing service; every entry must be checked.
  EXPECT_THAT(check("version: \"3.9\"\nservices:\n"
                    "  a:\n    image: 1\n"
                    "  b:\n    image: ok\n"
                    "  c:\n    imag: x\n"
                    "  d:\n    deploy:\n      replicas: x\n"
                    "networks:\n  n1:\n    driver: 5\n  n2:\n    drivr: overlay\n"
                    "secrets:\n  s1:\n  s2:\n    file: 5\n"),
              ElementsAre("4:12: STK051 services.a.image must be a string, not an integer",
                          "8:5: STK050 services.c has no key 'imag'; did you mean 'image'?",
                          "11:17: STK051 services.d.deploy.replicas must be an integer, not a "
                          "string",
                          "14:13: STK051 networks.n1.driver must be a string, not an integer",
                          "16:5: STK050 networks.n2 has no key 'drivr'; did you mean 'driver'?",
                          "18:3: STK051 secrets.s1 must be a mapping, not null",
                          "20:11: STK051 secrets.s2.file must be a string, not an integer"));
}

TEST(Schema, OneMistakeInsideAOneOfGivesOneMessage) {
  EXPECT_THAT(
      check(std::string(k_web) + "    ports:\n      - target: 80\n        host_ip: 127.0.0.1\n"
                                 "    networks:\n      front:\n        aliasses: [a]\n"
                                 "    build:\n      context: .\n      args: 5\n"),
      ElementsAre("7:9: STK050 services.web.ports[0] has no key 'host_ip'",
                  "10:9: STK050 services.web.networks.front has no key 'aliasses'; did "
                  "you mean 'aliases'?",
                  "13:13: STK051 services.web.build.args must be a mapping or a list of "
                  "strings, not an integer"));
}

// Ideas from tests/stacks/config: most of the 3.9 surface at once.
const char* const k_big_stack = R"(version: "3.9"
x-defaults: &defaults
  restart: unless-stopped
  logging:
    driver: json-file
    options:
      max-size: 10m
      max-file: 3
services:
  api:
    <<: *defaults
    image: example/api:1.0
    build:
      context: ./api
      dockerfile: Dockerfile
      args: [A=1]
      cache_from: [example/api:cache]
      shm_size: 64m
    command: ["serve", "--port", "8080"]
    entrypoint: /bin/entry
    environment:
      A: "1"
      B: 2
      C:
    env_file: [a.env, b.env]
    labels: [com.example=1]
    cap_add: [NET_ADMIN]
    cap_drop: [ALL]
    dns: 8.8.8.8
    dns_search: [example.com]
    extra_hosts: ["db:10.0.0.2", "cache=10.0.0.3"]
    expose: [80, "81"]
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost"]
      interval: 30s
      timeout: 5s
      retries: 3
      start_period: 10s
    init: true
    networks:
      front:
        aliases: [api.local]
        ipv4_address: 10.0.0.5
      back:
    ports:
      - 80
      - "8080:80"
      - "9000-9002:9000-9002/udp"
      - target: 443
        published: 8443
        protocol: tcp
        mode: host
    secrets:
      - db_password
      - source: api_key
        target: /run/secrets/key
        uid: "100"
        gid: "100"
        mode: 0400
    configs:
      - app_conf
    stop_grace_period: 1m30s
    stop_signal: SIGTERM
    sysctls:
      net.core.somaxconn: 1024
    tmpfs: /run
    ulimits:
      nproc: 65535
      nofile:
        soft: 20000
        hard: 40000
    user: "1000:1000"
    volumes:
      - data:/data
      - ./conf:/conf:ro
      - type: tmpfs
        target: /tmp
        tmpfs:
          size: 65536
      - type: bind
        source: ./b
        target: /b
        bind:
          propagation: rprivate
    working_dir: /app
    deploy:
      mode: replicated
      replicas: 3
      endpoint_mode: vip
      labels:
        com.example.owner: platform
      update_config:
        parallelism: 2
        delay: 10s
        failure_action: rollback
        monitor: 60s
        max_failure_ratio: 0.3
        order: start-first
      rollback_config:
        parallelism: 0
        order: stop-first
      resources:
        limits:
          cpus: "0.50"
          memory: 512M
          pids: 100
        reservations:
          cpus: "0.25"
          memory: 128M
          generic_resources:
            - discrete_resource_spec:
                kind: gpu
                value: 2
      restart_policy:
        condition: on-failure
        delay: 5s
        max_attempts: 3
        window: 120s
      placement:
        constraints: [node.role == manager]
        preferences:
          - spread: node.labels.zone
        max_replicas_per_node: 1
  agent:
    image: example/agent:1.0
    deploy:
      mode: global
      endpoint_mode: dnsrr
    networks: [back]
    pid: host
    privileged: true
    read_only: true
    tty: true
    stdin_open: true
    credential_spec:
      file: spec.json
networks:
  front:
    driver: overlay
    attachable: true
    driver_opts:
      encrypted: ""
      mtu: 1400
    ipam:
      driver: default
      config:
        - subnet: 10.0.0.0/24
    labels:
      a: b
  back:
    external: true
volumes:
  data:
    driver: local
    driver_opts:
      type: tmpfs
  named:
  old:
    external:
      name: legacy
secrets:
  db_password:
    file: ./db_password.txt
  api_key:
    external: true
configs:
  app_conf:
    file: ./app.conf
    template_driver: golang
)";

TEST(Schema, EveryKindOfEntryMayBeEmpty) {
  // The top-level pass sees each section entry as {} and so compiles {} in place of the
  // entries' definitions: that is only right while {} passes every one of them.
  EXPECT_THAT(check("version: \"3.9\"\nservices:\n  web: {}\nnetworks:\n  n: {}\nvolumes:\n"
                    "  v: {}\nsecrets:\n  s: {}\nconfigs:\n  c: {}\n"),
              IsEmpty());
}

TEST(Schema, EachSectionIsCheckedAgainstItsOwnDefinition) {
  // Every section's entries, in one file: a mistake in the last one is described from the
  // configs definition, not from one met before it.
  EXPECT_THAT(check(std::string(k_web) + "networks:\n  n: {}\nvolumes:\n  v: {}\nsecrets:\n"
                                         "  s:\n    file: ./s\nconfigs:\n  c:\n    file: ./c\n"
                                         "    template_driver: jinja2\n"),
              ElementsAre("15:22: STK052 configs.c.template_driver must be 'golang', not 'jinja2'",
                          "15:22: note: stackc is stricter than docker stack deploy here: swarmkit "
                          "knows only golang and fails every task otherwise."));
}

TEST(Schema, VerdictsDoNotDependOnTheKeysOfFilesCheckedBefore) {
  // The yes/no pass compiles each section's definition with only the properties the file's
  // entries use, cached by those names: a later file with other or fewer keys must still be
  // judged by the whole definition.
  EXPECT_THAT(check(k_web), IsEmpty());
  EXPECT_THAT(check(std::string(k_web) + "    deploy:\n      replicas: x\n"),
              ElementsAre("6:17: STK051 services.web.deploy.replicas must be an integer, not a "
                          "string"));
  EXPECT_THAT(check(std::string(k_web) + "    imagee: nginx\n    x-ok: 1\n"),
              ElementsAre("5:5: STK050 services.web has no key 'imagee'; did you mean 'image'?"));
  EXPECT_THAT(check(std::string(k_web) + "    deploy:\n      replicas: 2\n"), IsEmpty());
  // Keys of one entry narrow the schema for all: each entry is still checked in full.
  EXPECT_THAT(check(std::string(k_web) + "    deploy:\n      replicas: 2\n  db:\n"
                                         "    image: postgres\n    deploy: {replicas: y}\n"
                                         "    ports: [1, 1]\n"),
              ElementsAre("9:24: STK051 services.db.deploy.replicas must be an integer, not a "
                          "string",
                          "10:16: STK054 services.db.ports[1] repeats an earlier item ('1'); the "
                          "items of services.db.ports must be unique"));
  // A key that is only a property's name elsewhere is still unknown here.
  EXPECT_THAT(check(std::string(k_web) + "    replicas: 2\n"),
              ElementsAre("5:5: STK050 services.web has no key 'replicas' (extension keys must "
                          "start with 'x-')"));

  // Narrowed place by place: nested mappings, list items, oneOf branches. The open mappings
  // (no additionalProperties: false) matter most: there a dropped property would let a bad
  // value through instead of failing on an unknown key.
  EXPECT_THAT(check(std::string(k_web) + "    deploy:\n      replicas: 2\n      mode: bogus\n"),
              ElementsAre("7:13: STK052 services.web.deploy.mode must be one of 'replicated', "
                          "'global', 'replicated-job' or 'global-job', not 'bogus'",
                          "7:13: note: stackc is stricter than docker stack deploy here: docker "
                          "accepts any string here and fails half-way through the deploy with "
                          "'unknown mode'."));
  EXPECT_THAT(check(std::string(k_web) + "    secrets:\n      - source: s\n"), IsEmpty());
  EXPECT_THAT(check(std::string(k_web) + "    secrets:\n      - source: s\n        mode: x\n"),
              ElementsAre("7:15: STK051 services.web.secrets[0].mode must be a number, not a "
                          "string"));
  EXPECT_THAT(check(std::string(k_web) + "    volumes:\n      - type: tmpfs\n        target: /t\n"
                                         "        tmpfs:\n          size: x\n"),
              ElementsAre("9:17: STK051 services.web.volumes[0].tmpfs.size must be an integer, "
                          "not a string"));
  EXPECT_THAT(check(std::string(k_web) + "    deploy:\n      resources:\n        limits:\n"
                                         "          memory: 1\n"),
              ElementsAre("8:19: STK051 services.web.deploy.resources.limits.memory must be a "
                          "string, not an integer"));
}

TEST(Schema, RepeatsAreReportedOnceAndNotInsideBadNames) {
  // Like the reference, nothing inside an entry with a bad name is checked; a good entry's
  // lists are checked by its own run (the top level's no longer walks them a second time).
  EXPECT_THAT(check("version: \"3.9\"\nservices:\n  \"we b\":\n    image: nginx\n"
                    "    cap_add: [A, A]\n  ok:\n    image: nginx\n    cap_add: [B, B]\n"),
              ElementsAre("3:3: STK055 'we b' is not a valid name in services: use only letters, "
                          "digits, '.', '_' and '-'",
                          "8:18: STK054 services.ok.cap_add[1] repeats an earlier item ('B'); "
                          "the items of services.ok.cap_add must be unique"));
}

TEST(Schema, BigValidStackHasNoError) { EXPECT_THAT(check(k_big_stack), IsEmpty()); }

TEST(Schema, ValidatesInParallel) {
  // The compiled schema is shared; every thread must get the same answer.
  const std::string bad = std::string(k_web) + "    deploy:\n      replicas: x\n";
  std::vector<std::vector<std::string>> results(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = check(i % 2 == 0 ? bad : k_big_stack); });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  for (size_t i = 0; i < results.size(); ++i) {
    if (i % 2 == 0) {
      EXPECT_THAT(results[i], ElementsAre("6:17: STK051 services.web.deploy.replicas must be an "
                                          "integer, not a string"));
    } else {
      EXPECT_THAT(results[i], IsEmpty());
    }
  }
}

enum class Reference { accepts, rejects };
enum class Stricter { no, yes };

struct CrossCheckRow {
  const char* name;
  Reference reference;
  const char* text;
  Stricter stricter;  // yes: docker accepts, we reject on purpose (see the schema's descriptions)
};

// Each row's `reference` was checked with `docker stack config -c row.yml` (docker 28.2.2,
// offline). Rows that fail in docker's loader after the schema (decoding, durations, port specs)
// are left out: this is the schema's table.
const CrossCheckRow k_cross_check[] = {
    {"minimal service", Reference::accepts, R"(version: "3.9"
services:
  web:
    image: nginx
)",
     Stricter::no},
    {"misspelled top-level key", Reference::rejects, R"(version: "3.9"
services:
  web:
    image: nginx
servics: {}
)",
     Stricter::no},
    {"unknown service key", Reference::rejects, R"(version: "3.9"
services:
  web:
    imagee: nginx
)",
     Stricter::no},
    {"replicas as a string", Reference::rejects, R"(version: "3.9"
services:
  web:
    image: nginx
    deploy:
      replicas: "3"
)",
     Stricter::no},
    {"replicas as a whole float", Reference::accepts, R"(version: "3.9"
services:
  web:
    image: nginx
    deploy:
      replicas: 2.0
)",
     Stricter::no},
    {"cpus as a number", Reference::rejects, R"(version: "3.9"
services:
  web:
    image: nginx
    deploy:
      resources:
        limits:
          cpus: 0.5
)",
     Stricter::no},
    {"cpus and memory as strings", Reference::accepts, R"(version: "3.9"
services:
  web:
    image: nginx
    deploy:
      resources:
        limits:
          cpus: "0.5"
          memory: 512M
)",
     Stricter::no},
    {"deploy null", Reference::accepts, R"(version: "3.9"
services:
  web:
    image: nginx
    deploy:
)",
     Stricter::no},
    {"depends_on long form", Reference::rejects, R"(version: "3.9"
services:
  web:
    image: nginx
    depends_on:
      db:
        condition: service_started
  db:
    image: postgres
)",
     Stricter::no},
    {"depends_on list", Reference::accepts, R"(version: "3.9"
services:
  web:
    image: nginx
    depends_on: [db]
  db:
    image: postgres
)",
     Stricter::no},
    {"service name with a space", Reference::rejects, R"(version: "3.9"
services:
  "we b":
    image: nginx
)",
     Stricter::no},
    {"x- keys everywhere they are allowed", Reference::accepts, R"(version: "3.9"
x-top: 1
services:
  web:
    image: nginx
    x-svc: {a: 1}
networks:
  front:
    x-n: 1
volumes:
  data:
    x-v: 1
secrets:
  s:
    file: ./s.txt
    x-s: 1
configs:
  c:
    file: ./c.txt
    x-c: 1
)",
     Stricter::no},
    {"x- key inside deploy", Reference::rejects, R"(version: "3.9"
services:
  web:
    image: nginx
    deploy:
      x-foo: 1
)",
     Stricter::no},
    {"network name with a space", Reference::accepts, R"(version: "3.9"
services:
  web:
    image: nginx
networks:
  "bad name":
    driver: overlay
)",
     Stricter::yes},
    {"restart condition always", Reference::accepts, R"(version: "3.9"
services:
  web:
    image: nginx
    deploy:
      restart_policy:
        condition: always
)",
     Stricter::yes},
    {"deploy mode typo", Reference::accepts, R"(version: "3.9"
services:
  web:
    image: nginx
    deploy:
      mode: replicate
)",
     Stricter::yes},
    {"volume type typo", Reference::accepts, R"(version: "3.9"
services:
  web:
    image: nginx
    volumes:
      - type: bnd
        source: /a
        target: /b
)",
     Stricter::yes},
    {"update order not in enum", Reference::rejects, R"(version: "3.9"
services:
  web:
    image: nginx
    deploy:
      update_config:
        order: first
)",
     Stricter::no},
    {"long port target as a string", Reference::rejects, R"(version: "3.9"
services:
  web:
    image: nginx
    ports:
      - target: "80"
)",
     Stricter::no},
    {"long port with unknown key", Reference::rejects, R"(version: "3.9"
services:
  web:
    image: nginx
    ports:
      - target: 80
        host_ip: 127.0.0.1
)",
     Stricter::no},
    {"port protocol in upper case", Reference::accepts, R"(version: "3.9"
services:
  web:
    image: nginx
    ports:
      - target: 80
        protocol: UDP
)",
     Stricter::no},
    {"long volume without type", Reference::rejects, R"(version: "3.9"
services:
  web:
    image: nginx
    volumes:
      - source: /a
        target: /b
)",
     Stricter::no},
    {"negative tmpfs size", Reference::rejects, R"(version: "3.9"
services:
  web:
    image: nginx
    volumes:
      - type: tmpfs
        target: /t
        tmpfs:
          size: -1
)",
     Stricter::no},
    {"ulimit without hard", Reference::rejects, R"(version: "3.9"
services:
  web:
    image: nginx
    ulimits:
      nofile:
        soft: 1
)",
     Stricter::no},
    {"duplicate cap_add", Reference::rejects, R"(version: "3.9"
services:
  web:
    image: nginx
    cap_add: [NET_ADMIN, NET_ADMIN]
)",
     Stricter::no},
    {"environment value is a list", Reference::rejects, R"(version: "3.9"
services:
  web:
    image: nginx
    environment:
      A: [1]
)",
     Stricter::no},
    {"null secret entry", Reference::rejects, R"(version: "3.9"
services:
  web:
    image: nginx
secrets:
  s:
)",
     Stricter::no},
    {"null network and volume entries", Reference::accepts, R"(version: "3.9"
services:
  web:
    image: nginx
networks:
  front:
volumes:
  data:
)",
     Stricter::no},
    {"healthcheck retries as a string", Reference::rejects, R"(version: "3.9"
services:
  web:
    image: nginx
    healthcheck:
      retries: "3"
)",
     Stricter::no},
    {"profiles is not 3.9", Reference::rejects, R"(version: "3.9"
services:
  web:
    image: nginx
    profiles: [a]
)",
     Stricter::no},
    {"build with an unknown key", Reference::rejects, R"(version: "3.9"
services:
  web:
    image: nginx
    build:
      context: .
      platform: linux
)",
     Stricter::no},
    // Compose 3.10–3.13 (each row checked with docker 28.2.2 too).
    {"build with an unknown key in 3.11", Reference::accepts, R"(version: "3.11"
services:
  web:
    image: nginx
    build:
      context: .
      platform: linux
)",
     Stricter::no},
    {"start_interval in 3.11", Reference::rejects, R"(version: "3.11"
services:
  web:
    image: nginx
    healthcheck:
      start_interval: 5s
)",
     Stricter::no},
    {"start_interval in 3.12", Reference::accepts, R"(version: "3.12"
services:
  web:
    image: nginx
    healthcheck:
      start_interval: 5s
)",
     Stricter::no},
    {"oom_score_adj in 3.12", Reference::rejects, R"(version: "3.12"
services:
  web:
    image: nginx
    oom_score_adj: 5
)",
     Stricter::no},
    {"oom_score_adj and network driver_opts without a version", Reference::accepts, R"(services:
  web:
    image: nginx
    oom_score_adj: 5
    networks:
      n:
        driver_opts: {a: 1}
networks:
  n:
)",
     Stricter::no},
    {"cluster mount in 3.9", Reference::accepts, R"(version: "3.9"
services:
  web:
    image: nginx
    volumes:
      - type: cluster
        source: group:g
        target: /g
)",
     Stricter::no},
    {"x-cluster-spec size not a string", Reference::rejects, R"(version: "3.10"
services:
  web:
    image: nginx
volumes:
  v:
    x-cluster-spec:
      capacity_range:
        required_bytes: 5
)",
     Stricter::no},
    {"secret external with an extra key", Reference::accepts, R"(version: "3.9"
services:
  web:
    image: nginx
secrets:
  s:
    external:
      name: x
      foo: y
)",
     Stricter::no},
    {"network external with an extra key", Reference::rejects, R"(version: "3.9"
services:
  web:
    image: nginx
networks:
  n:
    external:
      name: x
      foo: y
)",
     Stricter::no},
    {"service secret with an extra key", Reference::accepts, R"(version: "3.9"
services:
  web:
    image: nginx
    secrets:
      - source: s
        foo: 1
secrets:
  s:
    file: ./s.txt
)",
     Stricter::no},
    {"numeric version", Reference::rejects, R"(version: 3.9
services:
  web:
    image: nginx
)",
     Stricter::no},
    {"services is null", Reference::rejects, R"(version: "3.9"
services:
)",
     Stricter::no},
    {"logging options with numbers and null", Reference::accepts, R"(version: "3.9"
services:
  web:
    image: nginx
    logging:
      driver: json-file
      options:
        max-size: 10m
        max-file: 3
        tag:
)",
     Stricter::no},
};

TEST(Schema, AgreesWithTheReference) {
  for (const CrossCheckRow& row : k_cross_check) {
    const bool we_accept = check(row.text).empty();
    const bool expected = row.reference == Reference::accepts && row.stricter == Stricter::no;
    EXPECT_EQ(we_accept, expected) << row.name;
    if (row.stricter == Stricter::yes) {
      EXPECT_EQ(row.reference, Reference::accepts)
          << row.name << ": only stricter when docker accepts";
    }
  }
}

// A stack of `count` services in the shape lint sees in large deployments.
std::string generate_stack(int count) {
  std::string text = "version: \"3.9\"\nservices:\n";
  for (int i = 0; i < count; ++i) {
    const std::string n = std::to_string(i);
    text += "  svc" + n + ":\n    image: example/svc" + n + ":1.0\n" +
            "    environment:\n      ID: \"" + n + "\"\n      MODE: prod\n" +
            "    ports:\n      - \"" + std::to_string(10000 + i) + ":80\"\n" +
            "    networks: [back]\n    volumes:\n      - data" + n + ":/data\n" +
            "    healthcheck:\n      test: [\"CMD\", \"true\"]\n      interval: 10s\n" +
            "    deploy:\n      replicas: 2\n      resources:\n        limits:\n" +
            "          cpus: \"0.5\"\n          memory: 256M\n" +
            "      restart_policy:\n        condition: on-failure\n" +
            "      update_config:\n        parallelism: 1\n        order: start-first\n";
  }
  text += "networks:\n  back:\nvolumes:\n";
  for (int i = 0; i < count; ++i) {
    text += "  data" + std::to_string(i) + ":\n";
  }
  return text;
}

TEST(Schema, ThousandServices) {
  SourceManager sources;
  const SourceFile* file = sources.add("big.yml", generate_stack(1000));
  Diagnostics diags;
  const auto parse_start = std::chrono::steady_clock::now();
  std::optional<SNode> root = parse_yaml(*file, diags);
  const auto parse_elapsed = std::chrono::steady_clock::now() - parse_start;
  ASSERT_TRUE(root.has_value());
  validate_schema(*root, diags);  // builds the compiled schema; not what we time
  ASSERT_EQ(diags.items().size(), 0u);

  const auto start = std::chrono::steady_clock::now();
  validate_schema(*root, diags);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(diags.items().size(), 0u);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "1000 services (%zu bytes): parse_yaml %.1f ms, validate_schema %.1f ms, "
      "peak RSS %ld MiB\n",
      file->text().size(), std::chrono::duration<double, std::milli>(parse_elapsed).count(),
      std::chrono::duration<double, std::milli>(elapsed).count(), usage.ru_maxrss / 1024);

  // One mistake in the last service is still found.
  const std::string bad = generate_stack(1000) + "x-end: 1\n";
  SourceManager more;
  const SourceFile* bad_file =
      more.add("bad.yml", std::string(bad).replace(bad.rfind("replicas: 2"), 11, "replicas: z"));
  Diagnostics bad_diags;
  std::optional<SNode> bad_root = parse_yaml(*bad_file, bad_diags);
  ASSERT_TRUE(bad_root.has_value());
  validate_schema(*bad_root, bad_diags);
  ASSERT_EQ(bad_diags.items().size(), 1u);
  EXPECT_EQ(bad_diags.items()[0].message,
            "services.svc999.deploy.replicas must be an integer, not a string");
}

}  // namespace
}  // namespace stackc
