#include "idsync/status.h"

namespace idsync {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "Ok";
    case ErrorCode::kInvalidArgument: return "InvalidArgument";
    case ErrorCode::kNotFound: return "NotFound";
    case ErrorCode::kParseError: return "ParseError";
    case ErrorCode::kIoError: return "IoError";
    case ErrorCode::kBusy: return "Busy";
    case ErrorCode::kStoreError: return "StoreError";
    case ErrorCode::kConnectorError: return "ConnectorError";
    case ErrorCode::kExpressionError: return "ExpressionError";
    case ErrorCode::kUnsupported: return "Unsupported";
    case ErrorCode::kStopped: return "Stopped";
    case ErrorCode::kInternal: return "Internal";
  }
  return "Unknown";
}

std::string Status::to_string() const {
  if (ok()) return "OK";
  return std::string(error_code_name(code_)) + ": " + message_;
}

Status Status::with_context(const std::string& context) const {
  if (ok()) return *this;
  return Status(code_, context + ": " + message_);
}

}  // namespace idsync
