#include "tests/integration/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <fmt/format.h>

extern char** environ;

namespace stackc::testing {

namespace {

using Clock = std::chrono::steady_clock;

struct Pipe {
  int read = -1;
  int write = -1;
};

Pipe make_pipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return {};
  }
  return {fds[0], fds[1]};
}

void close_fd(int& fd) {
  if (fd >= 0) {
    close(fd);
    fd = -1;
  }
}

std::string join_command(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& arg : argv) {
    if (!text.empty()) {
      text += ' ';
    }
    text += arg;
  }
  return text;
}

// The child's environment: ours with the options' entries added or replaced. Built before
// fork, since only async-signal-safe calls are allowed between fork and exec.
std::vector<std::string> child_environment(const RunOptions& options) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    bool replaced = false;
    for (const auto& [key, value] : options.env) {
      if (text.size() > key.size() && text.substr(0, key.size()) == key &&
          text[key.size()] == '=') {
        replaced = true;
      }
    }
    if (!replaced) {
      env.emplace_back(text);
    }
  }
  for (const auto& [key, value] : options.env) {
    env.push_back(key + "=" + value);
  }
  return env;
}

}  // namespace

std::string ProcessResult::describe() const {
  std::string status = timed_out ? std::string("timed out") : fmt::format("exited {}", exit_code);
  return fmt::format("`{}` {}\n--- stdout ---\n{}\n--- stderr ---\n{}", command, status, out, err);
}

ProcessResult run(const std::vector<std::string>& argv, const RunOptions& options) {
  ProcessResult result;
  result.command = join_command(argv);
  if (argv.empty()) {
    result.exit_code = 127;
    result.err = "run: empty command";
    return result;
  }

  std::vector<std::string> env_storage = child_environment(options);
  std::vector<char*> env_ptrs;
  for (auto& entry : env_storage) {
    env_ptrs.push_back(entry.data());
  }
  env_ptrs.push_back(nullptr);
  std::vector<std::string> arg_storage = argv;
  std::vector<char*> arg_ptrs;
  for (auto& arg : arg_storage) {
    arg_ptrs.push_back(arg.data());
  }
  arg_ptrs.push_back(nullptr);

  Pipe in = make_pipe();
  Pipe out = make_pipe();
  Pipe err = make_pipe();
  // Reports an exec failure from the child: it closes on a successful exec (CLOEXEC).
  Pipe exec_status = make_pipe();
  if (in.read < 0 || out.read < 0 || err.read < 0 || exec_status.read < 0) {
    for (int fd : {in.read, in.write, out.read, out.write, err.read, err.write, exec_status.read,
                   exec_status.write}) {
      close_fd(fd);
    }
    result.exit_code = 127;
    result.err = fmt::format("run: pipe: {}", std::strerror(errno));
    return result;
  }

  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    dup2(in.read, STDIN_FILENO);
    dup2(out.write, STDOUT_FILENO);
    dup2(err.write, STDERR_FILENO);
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) {
      int code = errno;
      (void)!write(exec_status.write, &code, sizeof code);
      _exit(127);
    }
    // execvpe searches PATH with the child's own environment.
    execvpe(arg_ptrs[0], arg_ptrs.data(), env_ptrs.data());
    int code = errno;
    (void)!write(exec_status.write, &code, sizeof code);
    _exit(127);
  }
  close_fd(in.read);
  close_fd(out.write);
  close_fd(err.write);
  close_fd(exec_status.write);
  if (pid < 0) {
    result.exit_code = 127;
    result.err = fmt::format("run: fork: {}", std::strerror(errno));
    for (int fd : {in.write, out.read, err.read, exec_status.read}) {
      close_fd(fd);
    }
    return result;
  }
  // Also from the parent, so a kill of the group cannot race the child's own setpgid.
  setpgid(pid, pid);

  int exec_errno = 0;
  ssize_t got = read(exec_status.read, &exec_errno, sizeof exec_errno);
  close_fd(exec_status.read);

  // A program that exits without reading its input must not kill us with SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
  if (got <= 0 && !options.input.empty()) {
    fcntl(in.write, F_SETFL, O_NONBLOCK);
  } else {
    close_fd(in.write);
  }

  size_t input_done = 0;
  const auto deadline = Clock::now() + options.timeout;
  char buffer[65536];
  while (out.read >= 0 || err.read >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      break;
    }
    pollfd fds[3];
    nfds_t count = 0;
    if (out.read >= 0) {
      fds[count++] = {out.read, POLLIN, 0};
    }
    if (err.read >= 0) {
      fds[count++] = {err.read, POLLIN, 0};
    }
    if (in.write >= 0) {
      fds[count++] = {in.write, POLLOUT, 0};
    }
    int ready = poll(fds, count, static_cast<int>(std::min<long>(left.count(), 1000)));
    if (ready < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].revents == 0) {
        continue;
      }
      if (fds[i].fd == in.write) {
        ssize_t n =
            write(in.write, options.input.data() + input_done, options.input.size() - input_done);
        if (n > 0) {
          input_done += static_cast<size_t>(n);
        }
        if (n < 0 || input_done == options.input.size()) {
          close_fd(in.write);
        }
        continue;
      }
      ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        (fds[i].fd == out.read ? result.out : result.err).append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        close_fd(fds[i].fd == out.read ? out.read : err.read);
      }
    }
  }
  close_fd(in.write);
  close_fd(out.read);
  close_fd(err.read);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (got > 0) {
    result.exit_code = 127;
    result.err += fmt::format("run: cannot execute {}: {}", argv[0], std::strerror(exec_errno));
  } else if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  return result;
}

ProcessResult run_shell(const std::string& command, const RunOptions& options) {
  ProcessResult result = run({"/bin/sh", "-c", command}, options);
  result.command = command;
  return result;
}

bool poll_until(const std::function<bool()>& probe, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    if (probe()) {
      return true;
    }
    if (Clock::now() + interval > deadline) {
      return false;
    }
    std::this_thread::sleep_for(interval);
  }
}

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> result;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    if (end > start) {
      result.push_back(text.substr(start, end - start));
    }
    start = end + 1;
  }
  return result;
}

}  // namespace stackc::testing
