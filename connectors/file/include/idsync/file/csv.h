// CSV (RFC 4180) reading and writing.
//
// CsvReader streams rows from a std::istream in large chunks: fields separated by a one-byte
// delimiter, optionally quoted with '"' ('""' inside quotes is one quote); quoted fields may
// hold delimiters and line breaks. Rows end with CRLF or LF. A UTF-8 byte order mark at the
// start is skipped; empty lines are skipped. Errors are kParseError
// "<file> line <n>: <what>". Neither class is thread-safe; both reference a stream the
// caller keeps alive.
#pragma once

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "idsync/status.h"

namespace idsync::file {

class CsvReader {
 public:
  explicit CsvReader(std::istream& in, char delimiter = ',', std::string source_name = {});
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next row into `fields` (cleared first). False at the end of the input.
  Result<bool> next(std::vector<std::string>& fields);
  // Line on which the last row returned by next() started (1-based).
  uint64_t row_line() const { return row_line_; }

 private:
  int peek();  // next byte or -1 at the end; refills the buffer
  Status error(uint64_t line, const std::string& what) const;

  std::istream& in_;
  char delimiter_;
  std::string source_;
  std::string buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool started_ = false;
  uint64_t line_ = 1;
  uint64_t row_line_ = 0;
};

class CsvWriter {
 public:
  // `newline` is "\r\n" (RFC 4180) by default.
  explicit CsvWriter(std::ostream& out, char delimiter = ',', std::string newline = "\r\n");
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  // Writes one row; fields with the delimiter, '"', CR, LF or a leading/trailing space are
  // quoted. Returns kIoError when the stream has failed.
  Status write_row(const std::vector<std::string>& fields);

  // Appends one field, quoted when needed, to `out`.
  static void append_field(std::string& out, std::string_view field, char delimiter);

 private:
  std::ostream& out_;
  char delimiter_;
  std::string newline_;
  std::string buf_;
};

}  // namespace idsync::file
