#pragma once
// The options each subcommand takes and the function that runs it. Only cli/stackc.cc knows
// about CLI11; the run_* functions see plain structs and return an exit status.

#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/swarm/apply.h"

namespace stackc {

struct GlobalOptions {
  bool no_color = false;
};

}  // namespace stackc

namespace stackc {

struct ConfigOptions {
  std::vector<std::string> files;
  std::vector<std::string> env_files;
};
int run_config(const GlobalOptions& global, const ConfigOptions& options);

}  // namespace stackc

namespace stackc {

// stackc compile: the Engine API specs `docker stack deploy` would send, offline.
struct CompileOptions {
  std::vector<std::string> files;
  std::vector<std::string> env_files;
  std::string stack;  // the namespace (STACK argument)
};
int run_compile(const GlobalOptions& global, const CompileOptions& options);

}  // namespace stackc

// deploy, diff, rm, ps: the commands that talk to the engine (cmd_deploy.cc, cmd_diff.cc,
// cmd_rm.cc, cmd_ps.cc). -H/--host is resolved like the docker CLI does
// (backends/swarm/docker_host.h).
namespace stackc {

struct DeployOptions {
  std::vector<std::string> files;
  std::vector<std::string> env_files;
  std::string stack;
  bool prune = false;
  std::string resolve_image = "always";  // always | changed | never
  bool with_registry_auth = false;       // send X-Registry-Auth (from the docker CLI config)
  bool dry_run = false;
  int parallel = 4;
  std::string host;  // empty: DOCKER_HOST, context, default socket
  // --wait: watch the created and updated services until they converge (backends/swarm/wait.h);
  // removals then wait until the rollout converged. --timeout: Go duration, "" = 5m.
  bool wait = false;
  std::string timeout;
  bool rollback = false;          // with --wait: undo this deploy when it fails to converge
  bool no_lint = false;           // deploy even when lint finds errors
  std::string progress = "auto";  // auto | tty | plain (cli/progress.h)
};
int run_deploy(const GlobalOptions& global, const DeployOptions& options);

struct DiffOptions {
  std::vector<std::string> files;
  std::vector<std::string> env_files;
  std::string stack;
  bool prune = false;
  bool exit_code = false;
  std::string format = "text";  // text | json | markdown
  bool verbose = false;         // text and markdown: the engine path of each field too
  std::string host;
};
int run_diff(const GlobalOptions& global, const DiffOptions& options);

struct RmOptions {
  std::vector<std::string> stacks;
  int timeout_seconds = 60;  // for the stack's networks and tasks to disappear
  std::string host;
  std::string progress = "auto";  // auto | tty | plain (cli/progress.h)
};
int run_rm(const GlobalOptions& global, const RmOptions& options);

struct PsOptions {
  std::string stack;
  std::string host;
};
int run_ps(const GlobalOptions& global, const PsOptions& options);

}  // namespace stackc

// Shared by the engine commands: defined in cmd_deploy.cc (connect, prepare); the plan printers
// are in cli/plan_output.h.
namespace stackc {

struct Connection {
  std::unique_ptr<swarm::Engine> engine;
  swarm::EngineFactory factory;  // more engines on their own transports, for apply's workers
};
// Resolves the endpoint (-H, DOCKER_HOST, context, default socket), negotiates the API version
// and requires a swarm manager. On failure prints the engine's words and returns nullopt.
std::optional<Connection> connect_manager(const std::string& host);

// Everything deploy and diff compute before writing anything.
struct Prepared {
  swarm::DesiredStack desired;
  swarm::LiveStack live;
  swarm::Plan plan;
  std::vector<std::string> warnings;  // image resolution
  // --with-registry-auth: image as written -> X-Registry-Auth. Holds credentials: never print.
  std::map<std::string, std::string> registry_auth;
};
// Front end, lint's errors (when `refuse_lint_errors`), convert, dependency check, connect,
// read the live stack, resolve images, plan. Returns the exit status to stop with, or nullopt
// to go on.
std::optional<int> prepare_plan(const GlobalOptions& global, const std::vector<std::string>& files,
                                const std::vector<std::string>& env_files, const std::string& stack,
                                const std::string& host, bool prune, swarm::ResolveImage resolve,
                                bool with_registry_auth, bool refuse_lint_errors,
                                std::optional<Connection>& connection, Prepared& out);

std::optional<swarm::ResolveImage> parse_resolve_image(const std::string& text);

// One "warning: ..." line on stderr for each.
void print_warnings(const std::vector<std::string>& warnings);
struct LintOptions {
  std::vector<std::string> files;          // positional: each one a stack of its own
  std::vector<std::string> compose_files;  // -c: merged into one stack
  std::vector<std::string> env_files;
  std::string format;   // text | json | sarif | github; "" picks github under GitHub Actions
  bool strict = false;  // warnings fail too
  std::vector<std::string> disable, enable;  // rule ids or names
  bool list_rules = false;
  bool no_config = false;  // do not look for .stackc.yaml
  int jobs = 0;            // 0: one per CPU
};
int run_lint(const GlobalOptions& global, const LintOptions& options);

}  // namespace stackc
