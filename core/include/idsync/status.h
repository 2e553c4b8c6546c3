// Status and Result<T>: errors inside IdSync are values, never exceptions across layers.
//
// Contract: a Status is either ok() or carries an ErrorCode and a message written for the
// administrator (what happened, to which object, what to do). Result<T> holds a T when ok().
// Both are cheap to move; the ok path allocates nothing.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace idsync {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,  // bad input from the user: a flag, a value, a configuration item
  kNotFound,         // a named connector, object, rule or file does not exist
  kParseError,       // malformed LDIF, CSV, JSON, XML or expression text
  kIoError,          // file system or network failure
  kBusy,             // the store is held by another run
  kStoreError,       // SQLite failed or the store is damaged / of an unknown version
  kConnectorError,   // a directory answered with an error
  kExpressionError,  // an expression failed at run time (Error(), type mismatch, ...)
  kUnsupported,      // the connector or store cannot do what was asked
  kStopped,          // a run was stopped (threshold, error limit, admin request)
  kInternal,         // a bug: please report it
};

const char* error_code_name(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status Error(ErrorCode code, std::string message) { return Status(code, std::move(message)); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "ParseError: <message>" for logs and CLI output.
  std::string to_string() const;
  // Returns a copy whose message is prefixed with context ("connector 'AD': ").
  Status with_context(const std::string& context) const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace idsync

// Propagates a non-ok Status from an expression returning Status.
#define IDSYNC_RETURN_IF_ERROR(expr)              \
  do {                                            \
    ::idsync::Status idsync_status_ = (expr);     \
    if (!idsync_status_.ok()) return idsync_status_; \
  } while (0)
