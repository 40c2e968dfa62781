#pragma once
// The options each subcommand takes and the function that runs it. Only cli/stackc.cc knows
// about CLI11; the run_* functions see plain structs and return an exit status.

#include <chrono>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/swarm/apply.h"
#include "backends/swarm/deploy.h"
#include "backends/swarm/stack_lock.h"

namespace stackc::swarm::sched {
struct Cluster;  // backends/swarm/schedule.h
}  // namespace stackc::swarm::sched

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
  bool allow_pending = false;     // deploy tasks no node of the swarm can take (preflight)
  std::string lock_timeout;       // --lock-timeout: Go duration, "" = 0 (fail at once when locked)
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
  bool allow_pending = false;  // the scheduler's preflight errors become warnings
};
int run_diff(const GlobalOptions& global, const DiffOptions& options);

struct RmOptions {
  std::vector<std::string> stacks;
  int timeout_seconds = 60;  // for the stack's networks and tasks to disappear
  std::string host;
  std::string lock_timeout;       // as deploy's
  std::string progress = "auto";  // auto | tty | plain (cli/progress.h)
};
int run_rm(const GlobalOptions& global, const RmOptions& options);

struct PsOptions {
  std::string stack;
  std::string host;
};
int run_ps(const GlobalOptions& global, const PsOptions& options);

// `stackc __complete stacks [-H HOST]`, for the completion scripts: the live swarm's stack
// names, one a line; silent on every error (cmd_complete.cc).
int run_complete_stacks(const std::string& host);
// stackc rollback (cmd_rollback.cc): backends/swarm/rollback.h. The files only give the
// depends_on order.
struct RollbackOptions {
  std::string stack;
  std::vector<std::string> services;  // compose or full names; empty: all
  std::vector<std::string> files;
  std::vector<std::string> env_files;
  bool wait = false;
  std::string timeout;  // Go duration, "" = 5m
  std::string host;
};
int run_rollback(const GlobalOptions& global, const RollbackOptions& options);
// stackc unlock STACK: removes the stack's lock whoever holds it (cli/cmd_unlock.cc).
struct UnlockOptions {
  std::string stack;
  std::string host;
};
int run_unlock(const GlobalOptions& global, const UnlockOptions& options);

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

// What deploy and diff do before the backend takes over (cli/prepare.cc): the front end, lint's
// errors (when `refuse_lint_errors`), convert, the depends_on check, registry credentials (when
// `with_registry_auth`), then connect.
struct StackSource {
  std::vector<std::string> files;
  std::vector<std::string> env_files;
  std::string stack;
  std::string host;
  bool with_registry_auth = false;
  bool refuse_lint_errors = false;
};
struct FrontEnd;  // cli/front_end.h
struct PreparedStack {
  // The loaded files and their IR: preflight findings point at the lines that cause them.
  std::shared_ptr<const FrontEnd> front;
  swarm::DesiredStack desired;
  // --with-registry-auth: image as written -> X-Registry-Auth. Holds credentials: never print.
  std::map<std::string, std::string> registry_auth;
  std::optional<Connection> connection;
};
// Returns the exit status to stop with (the reason printed), or nullopt to go on.
std::optional<int> prepare_stack(const GlobalOptions& global, const StackSource& source,
                                 PreparedStack& out);
// Prints why the backend wrote nothing (swarm::prepare_deploy, swarm::deploy); the exit status.
int print_deploy_error(const swarm::DeployError& error);
// The scheduler's preflight for deploy and diff (cli/schedule_preflight.cc): the live nodes
// against the plan, when it creates or updates a service. Tasks no node can ever take are
// errors (exit 1, nothing written) unless `allow_pending`; tasks only kept pending by what runs
// now, and updates that stop every task at once, are warnings. STK070/STK071, printed at the
// line that causes them.
swarm::PreflightCheck schedule_preflight(const GlobalOptions& global, swarm::Engine& engine,
                                         std::shared_ptr<const FrontEnd> front, std::string stack,
                                         bool allow_pending);

std::optional<swarm::ResolveImage> parse_resolve_image(const std::string& text);

// --timeout of deploy and rollback --wait: a positive Go duration, "" = 5m. Prints the usage
// error and returns nullopt when invalid.
std::optional<std::chrono::milliseconds> parse_wait_timeout(const std::string& text);
// The stack lock for a command that writes (deploy, rm, rollback; backends/swarm/stack_lock.h),
// on an engine of its own, named after this host and process. `wait`: --lock-timeout, parsed by
// parse_lock_timeout (a Go duration, "" = 0; nullopt after printing why it is invalid).
std::unique_ptr<swarm::EngineStackLock> make_stack_lock(const Connection& connection,
                                                        std::string operation,
                                                        std::chrono::milliseconds wait,
                                                        const swarm::CancelToken* cancel);
std::optional<std::chrono::milliseconds> parse_lock_timeout(const std::string& text);

// One "warning: ..." line on stderr for each.
void print_warnings(const std::vector<std::string>& warnings);
// stackc schedule (cmd_schedule.cc): the scheduler model's prediction for a deploy.
struct ScheduleOptions {
  std::vector<std::string> files;
  std::vector<std::string> env_files;
  std::string stack;
  std::string nodes_file;  // offline: the nodes file instead of the live swarm
  bool export_nodes = false;
  std::vector<std::string> drain, down;  // what-ifs: hostnames or node IDs
  std::string strategy = "spread";       // spread | binpack | random
  std::optional<std::uint64_t> seed;
  std::string format = "text";  // text | json
  std::string host;
};
int run_schedule(const GlobalOptions& global, const ScheduleOptions& options);
// Nodes, services and their tasks from the engine (3 calls); prints the error, nullopt then.
std::optional<swarm::sched::Cluster> read_live_cluster(swarm::Engine& engine);

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
