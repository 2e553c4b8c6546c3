#include "idsync/file/csv.h"

namespace idsync::file {

namespace {
constexpr size_t kChunkSize = size_t{1} << 20;
}  // namespace

CsvReader::CsvReader(std::istream& in, char delimiter, std::string source_name)
    : in_(in), delimiter_(delimiter), source_(std::move(source_name)) {}

Status CsvReader::error(uint64_t line, const std::string& what) const {
  return Status::Error(ErrorCode::kParseError,
                       (source_.empty() ? std::string() : source_ + " ") + "line " +
                           std::to_string(line) + ": " + what);
}

int CsvReader::peek() {
  while (pos_ >= end_) {
    if (eof_) return -1;
    if (buffer_.size() < kChunkSize) buffer_.resize(kChunkSize);
    in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    pos_ = 0;
    end_ = static_cast<size_t>(in_.gcount());
    if (!in_) eof_ = true;
  }
  return static_cast<unsigned char>(buffer_[pos_]);
}

Result<bool> CsvReader::next(std::vector<std::string>& fields) {
  fields.clear();
  if (!started_) {
    started_ = true;
    if (peek() == 0xEF && end_ - pos_ >= 3 && static_cast<unsigned char>(buffer_[pos_ + 1]) == 0xBB &&
        static_cast<unsigned char>(buffer_[pos_ + 2]) == 0xBF)
      pos_ += 3;
  }
  // Empty lines separate nothing in CSV; skip them.
  for (;;) {
    int c = peek();
    if (c == -1) {
      if (in_.bad()) return error(line_, "read failed");
      return false;
    }
    if (c == '\n') {
      ++pos_;
      ++line_;
    } else if (c == '\r') {
      ++pos_;
      if (peek() == '\n') ++pos_;
      ++line_;
    } else {
      break;
    }
  }
  row_line_ = line_;
  const int delim = static_cast<unsigned char>(delimiter_);
  std::string field;
  for (;;) {
    int c = peek();
    if (c == '"') {
      const uint64_t quote_line = line_;
      ++pos_;
      for (;;) {
        c = peek();
        if (c == -1)
          return error(quote_line, "quoted field is not closed (a closing '\"' is missing)");
        ++pos_;
        if (c == '"') {
          if (peek() == '"') {
            field.push_back('"');
            ++pos_;
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        field.push_back(static_cast<char>(c));
      }
      c = peek();
      if (c != delim && c != '\n' && c != '\r' && c != -1)
        return error(line_, "unexpected '" + std::string(1, static_cast<char>(c)) +
                                "' after a closing quote (field " +
                                std::to_string(fields.size() + 1) +
                                "); a '\"' inside a quoted field must be doubled");
    } else {
      for (;;) {
        c = peek();
        if (c == -1 || c == delim || c == '\n' || c == '\r') break;
        if (c == '"')
          return error(line_, "'\"' inside an unquoted field (field " +
                                  std::to_string(fields.size() + 1) +
                                  "); quote the field and double the '\"'");
        field.push_back(static_cast<char>(c));
        ++pos_;
      }
    }
    fields.push_back(std::move(field));
    field.clear();
    c = peek();
    if (c == delim) {
      ++pos_;
      continue;
    }
    if (c == '\r') {
      ++pos_;
      if (peek() == '\n') ++pos_;
      ++line_;
    } else if (c == '\n') {
      ++pos_;
      ++line_;
    }
    return true;
  }
}

CsvWriter::CsvWriter(std::ostream& out, char delimiter, std::string newline)
    : out_(out), delimiter_(delimiter), newline_(std::move(newline)) {}

void CsvWriter::append_field(std::string& out, std::string_view field, char delimiter) {
  bool quote = !field.empty() && (field.front() == ' ' || field.back() == ' ');
  for (char c : field) {
    if (c == delimiter || c == '"' || c == '\r' || c == '\n') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    out += field;
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

Status CsvWriter::write_row(const std::vector<std::string>& fields) {
  buf_.clear();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) buf_.push_back(delimiter_);
    append_field(buf_, fields[i], delimiter_);
  }
  // A row of one empty field would be an empty line, which readers skip.
  if (fields.size() == 1 && fields[0].empty()) buf_ = "\"\"";
  buf_ += newline_;
  out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  if (!out_) return Status::Error(ErrorCode::kIoError, "writing CSV failed (disk full or closed?)");
  return Status::Ok();
}

}  // namespace idsync::file
