#include "idsync/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace idsync {

Status prepare_private_file(const std::string& path) {
  // A symbolic link is followed: its target is the file that gets written, so that is the
  // one made private. O_NONBLOCK: a FIFO without a reader fails at once instead of blocking.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK, kPrivateFileMode);
  if (fd < 0) {
    int err = errno;
    return Status::Error(ErrorCode::kIoError, "cannot create '" + path + "': " + std::strerror(err) +
                                                  "; check that its folder exists and is writable");
  }
  struct stat st {};
  Status result = Status::Ok();
  if (::fstat(fd, &st) != 0) {
    result = Status::Error(ErrorCode::kIoError, "cannot read the mode of '" + path + "': " + std::strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    // A device or a pipe the administrator named (/dev/stdout, a FIFO with a reader): its mode
    // is not IdSync's to change.
  } else if ((st.st_mode & 0777) != kPrivateFileMode && ::fchmod(fd, kPrivateFileMode) != 0) {
    result = Status::Error(ErrorCode::kIoError, "cannot make '" + path + "' readable by its owner only (chmod 600): " +
                                                    std::strerror(errno) + "; remove it or write to a new file");
  }
  ::close(fd);
  return result;
}

}  // namespace idsync
