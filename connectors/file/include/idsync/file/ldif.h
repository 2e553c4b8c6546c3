// LDIF (RFC 2849) reading and writing.
//
// LdifReader streams records from a std::istream in large chunks; it never loads the whole
// input. It understands the version line, comments, line folding, "attr: value",
// "attr:: base64", attribute options (kept in the name: "userCertificate;binary"), content
// records and change records (add, delete, modify, modrdn/moddn). "attr:< url" values and
// "control:" lines are rejected with an error that says so.
//
// Mapping to the object model:
//  - content record → Entry; Entry::object_type is the LAST objectClass value (AD lists the
//    most specific class last: top, person, organizationalPerson, user). Entry::anchor is left
//    empty (the connector knows which attribute is the anchor).
//  - change record → EntryChange: add → kAdd (attributes, object_type), delete → kDelete,
//    modify → kModify (changes), modrdn/moddn → kRename with new_dn = newrdn + "," +
//    (newsuperior or the old parent). "deleteoldrdn: 0" is reported as a kAdd change that
//    keeps the old RDN values, so every kRename means "old RDN values are replaced".
//
// Errors are kParseError: "<file> line <n> (entry '<dn>'): <what>", the file part omitted
// when no source name was given and the entry part before the dn line is read. After an
// error the reader is finished: further next() calls return the same error.
//
// LdifWriter writes to a std::ostream: values and DNs are base64 ("::") exactly when RFC 2849
// SAFE-STRING does not allow them as text (non-ASCII, NUL, CR, LF, a leading space, ':' or
// '<', a trailing space); lines are folded at 76 columns. Records are followed by an empty
// line. Neither class is thread-safe; both reference a stream the caller keeps alive.
#pragma once

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "idsync/entry.h"
#include "idsync/status.h"

namespace idsync::file {

// One LDIF record: a content record (Entry) or a change record (EntryChange).
struct LdifRecord {
  bool is_change = false;
  Entry entry;          // when !is_change
  EntryChange change;   // when is_change
  uint64_t line = 0;    // line number of the record's dn line (1-based)
};

class LdifReader {
 public:
  // `source_name` (e.g. "people.ldif") prefixes error messages; may be empty.
  explicit LdifReader(std::istream& in, std::string source_name = {});
  LdifReader(const LdifReader&) = delete;
  LdifReader& operator=(const LdifReader&) = delete;

  // Reads the next record into `record` (fully overwritten). Returns false at the end of
  // the input, true when a record was read, or a kParseError / kIoError status.
  Result<bool> next(LdifRecord& record);

  // Names only: content and add records come back without their attribute values (every line
  // is still checked to be "name: value"). For a caller that needs only which entries exist
  // (the ldif connector validating an export), which then costs no value copy or decode.
  void set_names_only(bool names_only) { names_only_ = names_only; }

  // The "version:" value, 0 when the input has no version line (or none read yet).
  int version() const { return version_; }
  // Number of the last physical line read (1-based).
  uint64_t line() const { return line_no_; }

 private:
  struct LogicalLine {
    size_t offset;
    size_t length;
    uint64_t line;
  };
  bool next_physical_line(std::string_view& line);
  Status read_logical_lines();
  Status parse_record(LdifRecord& record);
  Status error(uint64_t line, const std::string& what) const;

  std::istream& in_;
  std::string source_;
  std::string buffer_;   // chunk buffer; [pos_, end_) is unread
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  uint64_t line_no_ = 0;
  int version_ = 0;
  bool names_only_ = false;
  bool first_record_ = true;
  std::string record_text_;          // the current record's unfolded lines, back to back
  std::vector<LogicalLine> lines_;   // views into record_text_
  std::string current_dn_;           // for error messages
  Status failed_;
};

class LdifWriter {
 public:
  // Writes "version: 1" before the first record when `write_version`.
  explicit LdifWriter(std::ostream& out, bool write_version = true);
  LdifWriter(const LdifWriter&) = delete;
  LdifWriter& operator=(const LdifWriter&) = delete;

  // A content record: dn, then every attribute value in order.
  Status write_entry(const Entry& entry);
  // A change record. kRename becomes "changetype: modrdn" with newrdn, "deleteoldrdn: 1" and
  // "newsuperior" when the parent changes; its attribute changes, if any, follow as a
  // separate modify record on the new DN. kModify with no changes writes nothing.
  Status write_change(const EntryChange& change);
  // The same, with `before` and `after` written around an add's attributes (an export adding
  // objectClass or an anchor) without copying the change.
  Status write_change(const EntryChange& change, const std::vector<Attribute>& before,
                      const std::vector<Attribute>& after);
  // kIoError when the stream has failed.
  Status status() const;
  uint64_t records_written() const { return records_; }

  // "name: value" or "name:: base64" with folding, appended to `out` (a full line with '\n').
  static void append_line(std::string& out, std::string_view name, std::string_view value);
  // True when `value` may be written as text (RFC 2849 SAFE-STRING, no trailing space).
  static bool is_safe_string(std::string_view value);

 private:
  Status begin_record();
  Status flush_record();

  std::ostream& out_;
  bool write_version_;
  uint64_t records_ = 0;
  std::string buf_;  // the record being built, reused
};

}  // namespace idsync::file
