#pragma once
// Runs a program for the integration tests and captures what it printed. Every run has a
// deadline: a hung docker or stackc must fail the test, not stall the suite.

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace stackc::testing {

struct ProcessResult {
  int exit_code = -1;  // the exit status; 128 + N when killed by signal N (as a shell reports)
  bool timed_out = false;
  std::string out;
  std::string err;

  bool ok() const { return exit_code == 0 && !timed_out; }
  // "`cmd` exited 1 (stderr: ...)": for assertion messages.
  std::string describe() const;
  std::string command;  // the command line, for describe()
};

// Built fluently: RunOptions().with_timeout(5s).with_env("DOCKER_HOST", host).
struct RunOptions {
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};
  std::string input;  // written to the program's stdin, which is then closed
  std::vector<std::pair<std::string, std::string>> env;  // added to (or replacing in) environ
  std::string cwd;                                       // empty: the current directory

  RunOptions& with_timeout(std::chrono::milliseconds value) {
    timeout = value;
    return *this;
  }
  RunOptions& with_input(std::string text) {
    input = std::move(text);
    return *this;
  }
  RunOptions& with_env(std::string key, std::string value) {
    env.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  RunOptions& in_dir(std::string dir) {
    cwd = std::move(dir);
    return *this;
  }
};

// Runs argv[0] (looked up in PATH) with argv. On timeout the whole process group is killed
// with SIGKILL and the result has timed_out set. A program that cannot be started yields
// exit_code 127 and the reason in err.
ProcessResult run(const std::vector<std::string>& argv, const RunOptions& options = {});

// Runs a command line through /bin/sh -c.
ProcessResult run_shell(const std::string& command, const RunOptions& options = {});

// Calls `probe` every `interval` until it returns true (then true) or `timeout` has passed
// (then false). For waiting on the swarm to converge without fixed sleeps.
bool poll_until(const std::function<bool()>& probe, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval = std::chrono::milliseconds(250));

// Strips trailing newlines and spaces (docker --format output ends in a newline).
std::string trim(std::string text);

// Splits output into its non-empty lines.
std::vector<std::string> lines(const std::string& text);

}  // namespace stackc::testing
