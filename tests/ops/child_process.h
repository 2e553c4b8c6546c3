// A child process for tests that drive the real idsync binary: started with its output in a
// file, waited for with a deadline (never forever), and killed when the test ends early.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace idsync::testing {

class ChildProcess {
 public:
  // Starts `argv` (argv[0] is the program path) with stdout and stderr appended to `log_path`.
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path) {
    // Everything exec needs is built before fork: the child only calls async-signal-safe functions.
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    pid_ = fork();
    if (pid_ == 0) {
      if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
      }
      int null_fd = ::open("/dev/null", O_RDONLY);
      if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
      execv(args[0], args.data());
      _exit(127);
    }
    if (fd >= 0) close(fd);
  }
  ~ChildProcess() {
    if (running()) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);  // after SIGKILL this returns at once
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool started() const { return pid_ > 0; }

  // Still running? Reaps the child (and remembers its status) once it has exited.
  bool running() {
    if (pid_ <= 0 || status_) return false;
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) status_ = status;
    return r == 0;
  }

  // The exit code, waiting at most `deadline`; nullopt when it did not exit in time (then it is
  // killed) or died from a signal.
  std::optional<int> wait_exit(std::chrono::steady_clock::duration deadline) {
    auto until = std::chrono::steady_clock::now() + deadline;
    while (running()) {
      if (std::chrono::steady_clock::now() >= until) {
        kill(pid_, SIGKILL);
        int status = 0;
        waitpid(pid_, &status, 0);
        status_ = status;
        return std::nullopt;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!status_ || !WIFEXITED(*status_)) return std::nullopt;
    return WEXITSTATUS(*status_);
  }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// Runs a command to completion (bounded by `deadline`) and returns its exit code, or nullopt.
inline std::optional<int> run_command(const std::vector<std::string>& argv, const std::string& log_path,
                                      std::chrono::steady_clock::duration deadline) {
  ChildProcess child(argv, log_path);
  if (!child.started()) return std::nullopt;
  return child.wait_exit(deadline);
}

}  // namespace idsync::testing
