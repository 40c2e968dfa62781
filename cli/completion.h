#pragma once
// Shell completion scripts for bash, zsh and fish. cli/stackc.cc describes its command table
// (the CLI11 subcommands) as a CompletionSpec; this file only renders scripts from it, so a
// command added to the table is completed without touching this file.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stackc {

// What a value (of an option or of the positional arguments) is completed with.
enum class ValueKind {
  none,     // free text: nothing offered
  files,    // file names
  choices,  // one of `choices`
  stacks,   // the stacks on the live swarm (`stackc __complete stacks`)
};

struct CompletionOption {
  std::vector<std::string> short_names;  // "c" for -c
  std::vector<std::string> long_names;   // "compose-file" for --compose-file
  std::string description;
  bool takes_value = false;
  bool repeatable = false;
  ValueKind values = ValueKind::none;
  std::vector<std::string> choices;
};

struct CompletionCommand {
  std::string name;
  std::string summary;
  std::vector<CompletionOption> options;
  ValueKind arguments = ValueKind::none;  // the positional arguments
  std::vector<std::string> argument_choices;
  std::string argument_name;  // "stack", "files", "shell"
  bool repeatable_arguments = false;
};

struct CompletionSpec {
  std::vector<CompletionOption> global_options;
  std::vector<CompletionCommand> commands;
};

enum class Shell { bash, zsh, fish };
std::optional<Shell> parse_shell(std::string_view name);

std::string completion_script(Shell shell, const CompletionSpec& spec);

}  // namespace stackc
