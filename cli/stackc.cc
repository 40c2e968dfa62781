// The command table and the command line. This is the only translation unit that includes
// CLI11 (it costs seconds per TU to compile); each command's work lives in its own cmd_*.cc.

#include "cli/stackc.h"

#include <array>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "backends/swarm/engine.h"
#include "cli/commands.h"
#include "cli/completion.h"
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
    // Offline: the range stackc negotiates within, not what some engine answers.
    std::cout << "stackc " << STACKC_VERSION << "\n"
              << fmt::format("Engine API: {} to {}\n", swarm::k_min_api_version,
                             swarm::k_max_api_version);
    return int{k_exit_ok};
  };
}

// Option values the completion scripts offer are spelled in the option's type name,
// "{always,changed,never}", which --help shows too.
CompletionSpec completion_spec(const CLI::App& app);

std::function<int()> setup_completion(CLI::App& sub, const GlobalOptions&) {
  auto shell = std::make_shared<std::string>();
  sub.add_option("shell", *shell, "The shell to print the script for")
      ->type_name("{bash,zsh,fish}")
      ->required();
  return [&sub, shell] {
    std::optional<Shell> parsed = parse_shell(*shell);
    if (!parsed) {
      std::cerr << fmt::format(
          "stackc: error: no completion for shell '{}'; use bash, zsh or fish\n", *shell);
      return int{k_exit_usage};
    }
    std::cout << completion_script(*parsed, completion_spec(*sub.get_parent()));
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
      ->type_name("{always,changed,never}")
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
  sub.add_flag("--allow-pending", options->allow_pending,
               "Deploy even tasks no node of the swarm can take (they stay pending)");
  sub.add_option("--lock-timeout", options->lock_timeout,
                 "How long to wait for another deploy of the stack to finish, as a Go duration "
                 "(default 0: exit 2 at once)");
  sub.add_option("--progress", options->progress,
                 "Progress output: auto, tty (lines updated in place) or plain")
      ->type_name("{auto,tty,plain}")
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
      ->type_name("{text,json,markdown}")
      ->capture_default_str();
  sub.add_flag("--verbose", options->verbose,
               "Text and markdown: show each field's engine path too");
  sub.add_flag("--allow-pending", options->allow_pending,
               "Tasks no node of the swarm can take are a warning, not an error");
  sub.add_option("-H,--host", options->host, "Docker daemon socket (like docker -H)");
  return [&global, options] { return run_diff(global, *options); };
}

std::function<int()> setup_rm(CLI::App& sub, const GlobalOptions& global) {
  auto options = std::make_shared<RmOptions>();
  sub.add_option("stack", options->stacks, "Stack name(s)")->required();
  sub.add_option("--timeout", options->timeout_seconds,
                 "Seconds to wait for the stack's networks and tasks to disappear")
      ->capture_default_str();
  sub.add_option("--lock-timeout", options->lock_timeout,
                 "How long to wait for a deploy of the stack to finish (default 0)");
  sub.add_option("--progress", options->progress,
                 "Progress output: auto, tty (lines updated in place) or plain")
      ->type_name("{auto,tty,plain}")
      ->capture_default_str();
  sub.add_option("-H,--host", options->host, "Docker daemon socket (like docker -H)");
  return [&global, options] { return run_rm(global, *options); };
}

std::function<int()> setup_unlock(CLI::App& sub, const GlobalOptions& global) {
  auto options = std::make_shared<UnlockOptions>();
  sub.add_option("stack", options->stack, "Stack name")->required();
  sub.add_option("-H,--host", options->host, "Docker daemon socket (like docker -H)");
  return [&global, options] { return run_unlock(global, *options); };
}

std::function<int()> setup_ps(CLI::App& sub, const GlobalOptions& global) {
  auto options = std::make_shared<PsOptions>();
  sub.add_option("stack", options->stack, "Stack name")->required();
  sub.add_option("-H,--host", options->host, "Docker daemon socket (like docker -H)");
  return [&global, options] { return run_ps(global, *options); };
}

std::function<int()> setup_schedule(CLI::App& sub, const GlobalOptions& global) {
  auto options = std::make_shared<ScheduleOptions>();
  sub.add_option("-c,--compose-file", options->files, "Stack file (repeat to merge; - for stdin)");
  sub.add_option("--env-file", options->env_files,
                 "Variables for interpolation (.env syntax); the environment wins");
  sub.add_option("stack", options->stack, "Stack name");
  sub.add_option("--nodes", options->nodes_file,
                 "Plan offline against a nodes file (JSON, from --export-nodes)");
  sub.add_flag("--export-nodes", options->export_nodes,
               "Print the live swarm's nodes and tasks as a nodes file");
  sub.add_option("--drain", options->drain, "What if this node is drained (repeat)");
  sub.add_option("--down", options->down, "What if this node goes down (repeat)");
  sub.add_option("--strategy", options->strategy,
                 "spread (swarm mode), or classic Swarm's binpack or random as a what-if")
      ->capture_default_str();
  sub.add_option("--seed", options->seed, "Seed for random choices among equal nodes");
  sub.add_option("--format", options->format, "Output format: text or json")->capture_default_str();
  sub.add_option("-H,--host", options->host, "Docker daemon socket (like docker -H)");
  return [&global, options] { return run_schedule(global, *options); };
}

std::function<int()> setup_rollback(CLI::App& sub, const GlobalOptions& global) {
  auto options = std::make_shared<RollbackOptions>();
  sub.add_option("stack", options->stack, "Stack name")->required();
  sub.add_option("services", options->services,
                 "Only these services (compose names, or full names); default: all");
  sub.add_option("-c,--compose-file", options->files,
                 "Stack file, read only for the depends_on order (repeat to merge)")
      ->allow_extra_args(false);
  sub.add_option("--env-file", options->env_files,
                 "Variables for interpolation (.env syntax); the environment wins")
      ->allow_extra_args(false);
  sub.add_flag("--wait", options->wait,
               "Wait until the rollback converges (exit 4 when one fails, 6 on timeout)");
  sub.add_option("--timeout", options->timeout,
                 "How long --wait waits, as a Go duration (default 5m)");
  sub.add_option("-H,--host", options->host, "Docker daemon socket (like docker -H)");
  return [&global, options] { return run_rollback(global, *options); };
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
                 "text, json, sarif or github (default: github under GitHub Actions, else text)")
      ->type_name("{text,json,sarif,github}");
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
    Command{"schedule", "Predict where the tasks land and how the rollouts run", setup_schedule},
    Command{"rollback", "Put a stack's services back to their previous spec", setup_rollback},
    Command{"ps", "List the tasks of a stack", setup_ps},
    Command{"rm", "Remove a stack and wait until its networks are gone", setup_rm},
    Command{"unlock", "Remove a stack's deploy lock left behind by a lost deploy", setup_unlock},
    Command{"completion", "Print the shell completion script for bash, zsh or fish",
            setup_completion},
    Command{"version", "Print stackc's version and the Engine API versions it speaks",
            setup_version},
};

// {a,b,c} -> a b c; anything else names no choices.
std::vector<std::string> choices_of(const std::string& type_name) {
  std::vector<std::string> choices;
  if (type_name.size() < 2 || type_name.front() != '{' || type_name.back() != '}') {
    return choices;
  }
  std::string_view rest = std::string_view(type_name).substr(1, type_name.size() - 2);
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    choices.emplace_back(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return choices;
}

// Which values an option or positional takes follows from the table itself, so that a new
// command is completed as soon as it is in k_commands: files for -c/--env-file and for
// positionals named "files"; the live stacks for a positional "stack" of a command that talks
// to an engine (it has --host; compile's STACK is a new name); choices from the type name.
CompletionSpec completion_spec(const CLI::App& app) {
  auto describe = [](const CLI::Option& option) {
    CompletionOption out;
    out.short_names = option.get_snames();
    out.long_names = option.get_lnames();
    out.description = option.get_description();
    out.takes_value = option.get_expected_max() > 0;  // flags expect 0 values
    out.repeatable = option.get_items_expected_max() > 1;
    out.choices = choices_of(option.get_type_name());
    if (!out.choices.empty()) {
      out.values = ValueKind::choices;
    } else if (option.check_lname("compose-file") || option.check_lname("env-file")) {
      out.values = ValueKind::files;
    }
    return out;
  };
  CompletionSpec spec;
  for (const CLI::Option* option : app.get_options()) {
    spec.global_options.push_back(describe(*option));
  }
  for (const CLI::App* sub : app.get_subcommands({})) {
    CompletionCommand command;
    command.name = sub->get_name();
    command.summary = sub->get_description();
    const CLI::Option* positional = nullptr;
    bool talks_to_engine = false;
    for (const CLI::Option* option : sub->get_options()) {
      if (option->get_positional()) {
        positional = option;
        continue;
      }
      talks_to_engine = talks_to_engine || option->check_lname("host");
      command.options.push_back(describe(*option));
    }
    if (positional != nullptr) {
      CompletionOption described = describe(*positional);
      command.argument_name = positional->get_name();
      command.repeatable_arguments = described.repeatable;
      command.argument_choices = described.choices;
      if (!described.choices.empty()) {
        command.arguments = ValueKind::choices;
      } else if (command.argument_name == "files") {
        command.arguments = ValueKind::files;
      } else if (talks_to_engine && command.argument_name == "stack") {
        command.arguments = ValueKind::stacks;
      }
    }
    spec.commands.push_back(std::move(command));
  }
  return spec;
}

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
  // Hidden, for the completion scripts: `__complete stacks [-H|--host HOST]`.
  if (argc > 2 && std::string_view(argv[1]) == "__complete" &&
      std::string_view(argv[2]) == "stacks") {
    std::string host;
    if (argc == 5 && (std::string_view(argv[3]) == "-H" || std::string_view(argv[3]) == "--host")) {
      host = argv[4];
    } else if (argc != 3) {
      return k_exit_usage;
    }
    return run_complete_stacks(host);
  }
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
