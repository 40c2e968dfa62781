// stackc lint: the front end plus the semantic rules, over each positional file as its own
// stack (pre-commit passes many) and over the -c files as one merged stack. Files are linted
// in parallel; each keeps its own sources and diagnostics, printed in argument order.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/lint_output.h"
#include "compiler/envfile.h"
#include "compiler/interpolate.h"
#include "compiler/lint/lint.h"
#include "compiler/lint/registry.h"
#include "compiler/load.h"
#include "schema/schema.h"

namespace stackc {
namespace {

struct Job {
  explicit Job(std::vector<std::string> stack_files) : files(std::move(stack_files)) {}
  std::vector<std::string> files;
  // Filled by the worker. Diagnostics point into `sources`, so both live until printed.
  std::unique_ptr<SourceManager> sources = std::make_unique<SourceManager>();
  Diagnostics out;
  bool io_failed = false;
};

void lint_job(Job& job, const Env& env, const lint::LintSettings& command_line, bool no_config) {
  lint::LintSettings settings;
  Diagnostics front;
  if (!no_config) {
    std::optional<lint::LintSettings> loaded =
        lint::settings_for(job.files.front(), *job.sources, job.out);
    if (!loaded) {
      job.io_failed = true;  // a broken configuration is a usage error, not a finding
      return;
    }
    settings = std::move(*loaded);
  }
  settings.merge(command_line);

  LoadOptions options;
  options.files = job.files;
  options.env = &env;
  options.check_tree = validate_schema;
  auto stack = load_stack(options, *job.sources, front);
  if (!stack && stack.error() == LoadFailure::io) {
    job.io_failed = true;
  }
  lint::lint_stack(stack ? &*stack : nullptr, settings, front, job.out);
}

Color color_for_stdout(const GlobalOptions& global) {
  const char* no_color = std::getenv("NO_COLOR");
  if (global.no_color || (no_color != nullptr && no_color[0] != '\0')) {
    return Color::off;
  }
  return isatty(STDOUT_FILENO) ? Color::on : Color::off;
}

}  // namespace

int run_lint(const GlobalOptions& global, const LintOptions& options) {
  // The format: explicit, or GitHub annotations inside GitHub Actions.
  LintFormat format = LintFormat::text;
  if (!options.format.empty()) {
    std::optional<LintFormat> parsed = parse_lint_format(options.format);
    if (!parsed) {
      std::cerr << fmt::format(
          "stackc: error: unknown format '{}': use text, json, sarif or github\n", options.format);
      return k_exit_usage;
    }
    format = *parsed;
  } else if (const char* actions = std::getenv("GITHUB_ACTIONS");
             actions != nullptr && std::string_view(actions) == "true") {
    format = LintFormat::github;
  }

  if (options.list_rules) {
    std::cout << format_rule_list(format);
    return k_exit_ok;
  }

  lint::LintSettings command_line;
  for (const auto& [keys, enabled] :
       {std::pair{&options.disable, false}, std::pair{&options.enable, true}}) {
    for (const std::string& key : *keys) {
      if (auto ok = lint::enable_rule(command_line, key, enabled); !ok) {
        std::cerr << "stackc: error: " << ok.error() << "\n";
        return k_exit_usage;
      }
    }
  }

  std::vector<Job> jobs;
  if (!options.compose_files.empty()) {
    jobs.emplace_back(options.compose_files);
  }
  for (const std::string& file : options.files) {
    jobs.emplace_back(std::vector<std::string>{file});
  }
  if (jobs.empty()) {
    std::cerr << "stackc: error: no stack file: name files to lint, or -c FILE\n"
                 "Run 'stackc lint --help' for usage.\n";
    return k_exit_usage;
  }
  size_t stdin_jobs = std::count_if(jobs.begin(), jobs.end(), [](const Job& job) {
    return std::find(job.files.begin(), job.files.end(), "-") != job.files.end();
  });
  if (stdin_jobs > 1) {
    std::cerr << "stackc: error: standard input (-) can be linted only once per run\n";
    return k_exit_usage;
  }

  // Interpolation variables: the process environment over the --env-file files.
  SourceManager env_sources;
  Diagnostics env_diags;
  MapEnv from_files;
  for (const std::string& path : options.env_files) {
    auto file = env_sources.load(path);
    if (!file) {
      std::cerr << "stackc: error: " << file.error() << "\n";
      return k_exit_usage;
    }
    add_env_vars(from_files, parse_dotenv(**file, env_diags));
  }
  if (env_diags.has_errors()) {
    print_diagnostics(std::cerr, env_diags, Color::off);
    return k_exit_usage;
  }
  ProcessEnv process;
  LayeredEnv env(process, from_files);

  // A small pool: each worker takes the next file; results stay in argument order.
  size_t workers = options.jobs > 0 ? static_cast<size_t>(options.jobs)
                                    : std::max(1u, std::thread::hardware_concurrency());
  workers = std::min(workers, jobs.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < jobs.size(); i = next++) {
      lint_job(jobs[i], env, command_line, options.no_config);
    }
  };
  if (workers <= 1) {
    work();
  } else {
    std::vector<std::thread> threads;
    for (size_t i = 0; i < workers; ++i) {
      threads.emplace_back(work);
    }
    for (std::thread& thread : threads) {
      thread.join();
    }
  }

  LintRun run;
  run.stacks = jobs.size();
  bool io_failed = false;
  for (const Job& job : jobs) {
    io_failed = io_failed || job.io_failed;
    run.diagnostics.insert(run.diagnostics.end(), job.out.items().begin(), job.out.items().end());
  }
  size_t errors = 0, warnings = 0;
  for (const Diagnostic& d : run.diagnostics) {
    errors += d.severity == Severity::error ? 1 : 0;
    warnings += d.severity == Severity::warning ? 1 : 0;
  }

  switch (format) {
    case LintFormat::text: {
      Color color = color_for_stdout(global);
      for (const Diagnostic& d : run.diagnostics) {
        std::cout << format_lint_text(d, color);
      }
      if (errors + warnings > 0) {
        std::cerr << fmt::format("{} error{}, {} warning{} in {} stack{}\n", errors,
                                 errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s",
                                 run.stacks, run.stacks == 1 ? "" : "s");
      }
      break;
    }
    case LintFormat::json:
      std::cout << format_lint_json(run);
      break;
    case LintFormat::sarif: {
      std::error_code ec;
      std::cout << format_lint_sarif(run, std::filesystem::current_path(ec).string());
      break;
    }
    case LintFormat::github:
      // Annotations are capped per step; the full list goes to the log (stderr) as well.
      std::cout << format_lint_github(run);
      for (const Diagnostic& d : run.diagnostics) {
        std::cerr << format_lint_text(d, Color::off);
      }
      break;
  }
  std::cout.flush();

  if (io_failed) {
    return k_exit_usage;
  }
  if (errors > 0 || (options.strict && warnings > 0)) {
    return k_exit_invalid;
  }
  return k_exit_ok;
}

}  // namespace stackc
