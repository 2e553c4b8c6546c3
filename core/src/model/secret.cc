#include "idsync/secret.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace idsync {

namespace {

constexpr size_t kMaxSecretBytes = 64 * 1024;

Status secret_error(const ConnectorConfig& config, const std::string& what) {
  return Status::Error(ErrorCode::kInvalidArgument, "connector '" + config.name + "': " + what);
}

}  // namespace

Result<std::string> read_secret(const ConnectorConfig& config, const std::string& name) {
  const std::string file = config.option(name + "_file");
  const std::string env = config.option(name + "_env");
  if (config.options.count(name) != 0)
    return secret_error(config, "option '" + name + "' would keep a secret in the configuration in clear text; put it "
                                "in a file (chmod 600) and set '" + name + "_file', or in an environment variable "
                                "and set '" + name + "_env'");
  if (!file.empty() && !env.empty())
    return secret_error(config, "set only one of '" + name + "_file' and '" + name + "_env'");
  if (file.empty() && env.empty())
    return secret_error(config, "no secret given: set '" + name + "_file' (a file readable only by the IdSync "
                                "account) or '" + name + "_env' (an environment variable)");
  if (!env.empty()) {
    const char* value = std::getenv(env.c_str());
    if (value == nullptr || *value == '\0')
      return secret_error(config, "the environment variable '" + env + "' named by '" + name + "_env' is not set");
    return std::string(value);
  }
  // O_NOFOLLOW: the permission check below must be about the file that is read.
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return Status::Error(ErrorCode::kNotFound, "connector '" + config.name + "': cannot open the secret file '" + file +
                                                   "' named by '" + name + "_file': " + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return secret_error(config, "the secret file '" + file + "' is not a regular file");
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    ::close(fd);
    return secret_error(config, "the secret file '" + file + "' can be read or written by other accounts (mode " +
                                    std::to_string((st.st_mode >> 6) & 7) + std::to_string((st.st_mode >> 3) & 7) +
                                    std::to_string(st.st_mode & 7) + "); run: chmod 600 '" + file + "'");
  }
  if (st.st_uid != geteuid() && st.st_uid != 0) {
    ::close(fd);
    return secret_error(config, "the secret file '" + file + "' belongs to another account (uid " +
                                    std::to_string(st.st_uid) + "); it must belong to the account running IdSync");
  }
  std::string value;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    value.append(buf, static_cast<size_t>(n));
    if (value.size() > kMaxSecretBytes) {
      ::close(fd);
      return secret_error(config, "the secret file '" + file + "' is larger than 64 KiB; it should hold one line");
    }
  }
  ::close(fd);
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  if (value.empty()) return secret_error(config, "the secret file '" + file + "' is empty");
  return value;
}

bool contains_secret(const std::string& text, const std::string& secret) {
  return !secret.empty() && text.find(secret) != std::string::npos;
}

}  // namespace idsync
