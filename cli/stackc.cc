// The command table and the command line. This is the only translation unit that includes
// CLI11 (it costs seconds per TU to compile); each command's work lives in its own cmd_*.cc.

#include "cli/stackc.h"

#include <array>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/suggest.h"
#include "cli/version.h"

namespace stackc {
namespace {

// Declares a command's options on its CLI11 subcommand and returns what runs it.
using Setup = std::function<int()> (*)(CLI::App& sub, const GlobalOptions& global);

struct Command {
  std::string_view name;
  std::string_view summary;
  Setup setup;
};

std::function<int()> setup_version(CLI::App&, const GlobalOptions&) {
  return [] {
    std::cout << "stackc " << STACKC_VERSION << "\n";
    return int{k_exit_ok};
  };
}

std::function<int()> setup_config(CLI::App& sub, const GlobalOptions& global) {
  auto options = std::make_shared<ConfigOptions>();
  sub.add_option("-c,--compose-file", options->files, "Stack file (repeat to merge; - for stdin)")
      ->required();
  sub.add_option("--env-file", options->env_files,
                 "Variables for interpolation (.env syntax); the environment wins");
  return [&global, options] { return run_config(global, *options); };
}

std::function<int()> setup_compile(CLI::App& sub, const GlobalOptions& global) {
  auto options = std::make_shared<CompileOptions>();
  sub.add_option("-c,--compose-file", options->files, "Stack file (repeat to merge; - for stdin)")
      ->required();
  sub.add_option("--env-file", options->env_files,
                 "Variables for interpolation (.env syntax); the environment wins");
  sub.add_option("stack", options->stack, "Stack name (the namespace of every object)")->required();
  return [&global, options] { return run_compile(global, *options); };
}

std::function<int()> setup_deploy(CLI::App& sub, const GlobalOptions& global) {
  auto options = std::make_shared<DeployOptions>();
  sub.add_option("-c,--compose-file", options->files, "Stack file (repeat to merge; - for stdin)")
      ->required();
  sub.add_option("--env-file", options->env_files,
                 "Variables for interpolation (.env syntax); the environment wins");
  sub.add_option("stack", options->stack, "Stack name")->required();
  sub.add_flag("--prune", options->prune,
               "Remove the stack's services, networks, secrets and configs the files no longer "
               "declare");
  sub.add_option("--resolve-image", options->resolve_image,
                 "Pin images to registry digests: always, changed or never")
      ->capture_default_str();
  sub.add_flag("--with-registry-auth", options->with_registry_auth,
               "Send registry credentials (docker CLI config and credential helpers) to the "
               "swarm and the registry query");
  sub.add_flag("--dry-run", options->dry_run, "Print the plan and change nothing");
  sub.add_flag("--no-lint", options->no_lint,
               "Deploy even when lint finds errors (they are refused by default: exit 1)");
  sub.add_option("--parallel", options->parallel, "Objects written at once")->capture_default_str();
  sub.add_flag("--wait", options->wait,
               "Wait until the created and updated services converge (exit 4 when one fails, "
               "6 on timeout)");
  sub.add_option("--timeout", options->timeout,
                 "How long --wait waits, as a Go duration (default 5m)");
  sub.add_flag("--rollback", options->rollback,
               "With --wait: when the rollout fails, roll back what this deploy changed (exit 5)");
  sub.add_option("--progress", options->progress,
                 "Progress output: auto, tty (lines updated in place) or plain")
      ->capture_default_str();
  sub.add_option("-H,--host", options->host, "Docker daemon socket (like docker -H)");
  return [&global, options] { return run_deploy(global, *options); };
}

std::function<int()> setup_diff(CLI::App& sub, const GlobalOptions& global) {
  auto options = std::make_shared<DiffOptions>();
  sub.add_option("-c,--compose-file", options->files, "Stack file (repeat to merge; - for stdin)")
      ->required();
  sub.add_option("--env-file", options->env_files,
                 "Variables for interpolation (.env syntax); the environment wins");
  sub.add_option("stack", options->stack, "Stack name")->required();
  sub.add_flag("--prune", options->prune, "Show what deploy --prune would remove");
  sub.add_flag("--exit-code", options->exit_code, "Exit with status 3 when there are changes");
  sub.add_option("--format", options->format,
                 "Output format: text, json or markdown (a pull-request comment)")
      ->capture_default_str();
  sub.add_flag("--verbose", options->verbose,
               "Text and markdown: show each field's engine path too");
  sub.add_option("-H,--host", options->host, "Docker daemon socket (like docker -H)");
  return [&global, options] { return run_diff(global, *options); };
}

std::function<int()> setup_rm(CLI::App& sub, const GlobalOptions& global) {
  auto options = std::make_shared<RmOptions>();
  sub.add_option("stack", options->stacks, "Stack name(s)")->required();
  sub.add_option("--timeout", options->timeout_seconds,
                 "Seconds to wait for the stack's networks and tasks to disappear")
      ->capture_default_str();
  sub.add_option("--progress", options->progress,
                 "Progress output: auto, tty (lines updated in place) or plain")
      ->capture_default_str();
  sub.add_option("-H,--host", options->host, "Docker daemon socket (like docker -H)");
  return [&global, options] { return run_rm(global, *options); };
}

std::function<int()> setup_ps(CLI::App& sub, const GlobalOptions& global) {
  auto options = std::make_shared<PsOptions>();
  sub.add_option("stack", options->stack, "Stack name")->required();
  sub.add_option("-H,--host", options->host, "Docker daemon socket (like docker -H)");
  return [&global, options] { return run_ps(global, *options); };
}

std::function<int()> setup_lint(CLI::App& sub, const GlobalOptions& global) {
  auto options = std::make_shared<LintOptions>();
  sub.add_option("files", options->files, "Stack files, each linted as a stack of its own");
  sub.add_option("-c,--compose-file", options->compose_files,
                 "Stack file merged into one stack with the other -c files (repeat)")
      ->allow_extra_args(false);  // `-c a.yml b.yml`: b.yml is a stack of its own
  sub.add_option("--env-file", options->env_files,
                 "Variables for interpolation (.env syntax); the environment wins")
      ->allow_extra_args(false);
  sub.add_option("-f,--format", options->format,
                 "text, json, sarif or github (default: github under GitHub Actions, else text)");
  sub.add_flag("--strict", options->strict, "Warnings fail the run too (exit 1)");
  sub.add_option("--disable", options->disable, "Turn a rule off (id or name; repeat)")
      ->allow_extra_args(false);
  sub.add_option("--enable", options->enable, "Turn a rule on (id or name; repeat)")
      ->allow_extra_args(false);
  sub.add_flag("--list-rules", options->list_rules, "Print every rule and exit");
  sub.add_flag("--no-config", options->no_config, "Do not read .stackc.yaml files");
  sub.add_option("-j,--jobs", options->jobs, "Files linted in parallel (default: one per CPU)")
      ->check(CLI::NonNegativeNumber);
  return [&global, options] { return run_lint(global, *options); };
}

// Every subcommand, in the order `stackc --help` lists them.
constexpr std::array k_commands = {
    Command{"lint", "Check stack files for mistakes the reference would reject or ignore",
            setup_lint},
    Command{"config", "Print the merged, interpolated, normalized stack", setup_config},
    Command{"compile", "Print the Engine API specs docker stack deploy would send", setup_compile},
    Command{"diff", "Show what deploy would change", setup_diff},
    Command{"deploy", "Create or update a stack on the swarm, in order", setup_deploy},
    Command{"ps", "List the tasks of a stack", setup_ps},
    Command{"rm", "Remove a stack and wait until its networks are gone", setup_rm},
    Command{"version", "Print stackc's version", setup_version},
};

std::vector<std::string_view> command_names() {
  std::vector<std::string_view> names;
  for (const Command& command : k_commands) {
    names.push_back(command.name);
  }
  return names;
}

bool is_command(std::string_view word) {
  for (const Command& command : k_commands) {
    if (command.name == word) {
      return true;
    }
  }
  return false;
}

// CLI11 would call an unknown word an "extra argument"; a typo deserves a suggestion.
int unknown_command(std::string_view word) {
  std::vector<std::string_view> names = command_names();
  std::string match = closest_match(word, names);
  if (!match.empty()) {
    std::cerr << fmt::format("stackc: error: unknown command '{}'; did you mean '{}'?\n", word,
                             match);
  } else {
    std::cerr << fmt::format("stackc: error: unknown command '{}'; did you mean one of: {}?\n",
                             word, fmt::join(names, ", "));
  }
  std::cerr << "Run 'stackc --help' for usage.\n";
  return k_exit_usage;
}

}  // namespace

int stackc_main(int argc, char** argv) {
  // The first word that is not an option names the command.
  if (argc > 1 && argv[1][0] != '-' && !is_command(argv[1])) {
    return unknown_command(argv[1]);
  }

  CLI::App app{"stackc: compile, lint, diff and deploy Docker Swarm stack files.", "stackc"};
  app.set_version_flag("--version", std::string("stackc ") + STACKC_VERSION);
  app.require_subcommand(1);
  GlobalOptions global;
  app.add_flag("--no-color", global.no_color, "Never colour diagnostics");

  std::function<int()> run;
  for (const Command& command : k_commands) {
    CLI::App* sub = app.add_subcommand(std::string(command.name), std::string(command.summary));
    std::function<int()> runner = command.setup(*sub, global);
    // As in docker, an option takes one value per occurrence: `-c a.yml STACK --prune` must not
    // read STACK as a second stack file.
    for (CLI::Option* option : sub->get_options()) {
      if (!option->get_positional()) {
        option->allow_extra_args(false);
      }
    }
    sub->callback([&run, runner] { run = runner; });
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "stackc: error: " << e.what() << "\nRun 'stackc --help' for usage.\n";
    return k_exit_usage;
  }
  return run ? run() : int{k_exit_usage};
}

}  // namespace stackc
