#include "idsync/file/ldif.h"

#include <algorithm>
#include <cstring>

#include "file_util.h"
#include "idsync/dn.h"
#include "idsync/value_types.h"

namespace idsync::file {

namespace {

// Large reads keep the istream overhead negligible; lines are found with memchr.
constexpr size_t kChunkSize = size_t{1} << 20;
constexpr size_t kFoldColumn = 76;

bool is_attr_desc_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == ';' || c == '.' || c == '_';
}

// A short, printable excerpt of a line for error messages.
std::string excerpt(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 60)) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? '?' : c);
  }
  if (s.size() > 60) out += "...";
  return out;
}

enum class ValueForm { kText, kBase64, kUrl };

struct SplitLine {
  std::string_view name;
  std::string_view raw;  // the value text after ":", "::" or ":<" and the spaces after it
  ValueForm form = ValueForm::kText;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// LdifReader

LdifReader::LdifReader(std::istream& in, std::string source_name)
    : in_(in), source_(std::move(source_name)) {}

Status LdifReader::error(uint64_t line, const std::string& what) const {
  std::string msg;
  if (!source_.empty()) msg = source_ + " ";
  msg += "line " + std::to_string(line);
  if (!current_dn_.empty()) msg += " (entry '" + current_dn_ + "')";
  msg += ": " + what;
  return Status::Error(ErrorCode::kParseError, std::move(msg));
}

bool LdifReader::next_physical_line(std::string_view& line) {
  for (;;) {
    if (pos_ < end_) {
      const char* start = buffer_.data() + pos_;
      const void* nl = std::memchr(start, '\n', end_ - pos_);
      if (nl != nullptr) {
        size_t len = static_cast<size_t>(static_cast<const char*>(nl) - start);
        pos_ += len + 1;
        line = std::string_view(start, len);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        ++line_no_;
        return true;
      }
    }
    if (eof_) {
      if (pos_ >= end_) return false;
      line = std::string_view(buffer_.data() + pos_, end_ - pos_);
      pos_ = end_;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++line_no_;
      return true;
    }
    // Keep the partial line, then read another chunk after it.
    if (pos_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
      end_ -= pos_;
      pos_ = 0;
    }
    if (buffer_.size() - end_ < kChunkSize / 2) buffer_.resize(std::max(kChunkSize, buffer_.size() * 2));
    in_.read(buffer_.data() + end_, static_cast<std::streamsize>(buffer_.size() - end_));
    end_ += static_cast<size_t>(in_.gcount());
    if (!in_) {
      eof_ = true;
      if (in_.bad())
        failed_ = Status::Error(ErrorCode::kIoError,
                                (source_.empty() ? std::string("LDIF input") : source_) +
                                    ": read failed after line " + std::to_string(line_no_));
    }
  }
}

Status LdifReader::read_logical_lines() {
  record_text_.clear();
  lines_.clear();
  bool in_comment = false;
  std::string_view line;
  while (next_physical_line(line)) {
    if (line.empty()) {
      if (!lines_.empty()) return Status::Ok();
      in_comment = false;
      continue;
    }
    if (line.front() == ' ') {
      if (in_comment) continue;  // a folded comment
      if (lines_.empty())
        return error(line_no_,
                     "continuation line (starting with a space) with no line before it to "
                     "continue; remove the leading space or join it to the previous line");
      record_text_.append(line.data() + 1, line.size() - 1);
      lines_.back().length += line.size() - 1;
      continue;
    }
    if (line.front() == '#') {
      in_comment = true;
      continue;
    }
    in_comment = false;
    lines_.push_back(LogicalLine{record_text_.size(), line.size(), line_no_});
    record_text_.append(line);
  }
  return failed_;
}

Result<bool> LdifReader::next(LdifRecord& record) {
  if (!failed_.ok()) return failed_;
  for (;;) {
    current_dn_.clear();
    Status s = read_logical_lines();
    if (!s.ok()) {
      failed_ = s;
      return s;
    }
    if (lines_.empty()) return false;
    if (first_record_) {
      first_record_ = false;
      std::string_view first(record_text_.data() + lines_[0].offset, lines_[0].length);
      if (first.size() >= 8 && iequals(first.substr(0, 8), "version:")) {
        std::string_view v = first.substr(8);
        while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
        while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
        if (v != "1") {
          failed_ = error(lines_[0].line, "unsupported LDIF version '" + excerpt(v) +
                                              "' (RFC 2849 defines only version 1)");
          return failed_;
        }
        version_ = 1;
        lines_.erase(lines_.begin());
        if (lines_.empty()) continue;
      }
    }
    s = parse_record(record);
    if (!s.ok()) {
      failed_ = s;
      return s;
    }
    return true;
  }
}

Status LdifReader::parse_record(LdifRecord& record) {
  auto text_of = [&](const LogicalLine& l) {
    return std::string_view(record_text_.data() + l.offset, l.length);
  };
  auto split = [&](const LogicalLine& l, SplitLine& out) -> Status {
    std::string_view text = text_of(l);
    size_t colon = text.find(':');
    if (colon == std::string_view::npos)
      return error(l.line, "missing ':' in '" + excerpt(text) +
                               "' (expected 'attribute: value'; an empty line must separate "
                               "records and continuation lines start with one space)");
    out.name = text.substr(0, colon);
    if (out.name.empty()) return error(l.line, "missing attribute name before ':'");
    for (char c : out.name)
      if (!is_attr_desc_char(c))
        return error(l.line, "invalid attribute description '" + excerpt(out.name) + "'");
    std::string_view rest = text.substr(colon + 1);
    out.form = ValueForm::kText;
    if (!rest.empty() && rest.front() == ':') {
      out.form = ValueForm::kBase64;
      rest.remove_prefix(1);
    } else if (!rest.empty() && rest.front() == '<') {
      out.form = ValueForm::kUrl;
      rest.remove_prefix(1);
    }
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    out.raw = rest;
    return Status::Ok();
  };
  auto decode = [&](const LogicalLine& l, const SplitLine& sl, std::string& out) -> Status {
    switch (sl.form) {
      case ValueForm::kText:
        out.assign(sl.raw);
        return Status::Ok();
      case ValueForm::kBase64: {
        std::string_view b = sl.raw;
        while (!b.empty() && b.back() == ' ') b.remove_suffix(1);
        auto decoded = base64_decode(b);
        if (!decoded)
          return error(l.line, "base64 value of '" + std::string(sl.name) + "' is not valid base64");
        out = std::move(*decoded);
        return Status::Ok();
      }
      case ValueForm::kUrl:
        return error(l.line, "value of '" + std::string(sl.name) + "' is a URL ('" +
                                 excerpt(sl.raw) + "'); URL values are not supported, put the "
                                 "value inline as '" + std::string(sl.name) + ":: <base64>'");
    }
    return Status::Ok();
  };
  // Adds "name: value" lines [from, lines_.size()) to `attrs`.
  auto read_attributes = [&](size_t from, std::vector<Attribute>& attrs) -> Status {
    SplitLine sl;
    std::string value;
    for (size_t i = from; i < lines_.size(); ++i) {
      IDSYNC_RETURN_IF_ERROR(split(lines_[i], sl));
      if (iequals(sl.name, "dn"))
        return error(lines_[i].line,
                     "a second 'dn:' line in one record; separate records with an empty line");
      if (names_only_) continue;
      IDSYNC_RETURN_IF_ERROR(decode(lines_[i], sl, value));
      Attribute* attr = nullptr;
      // Values of one attribute are usually consecutive (a 500,000-member group): check the
      // last attribute before searching.
      if (!attrs.empty() && iequals(attrs.back().name, sl.name)) {
        attr = &attrs.back();
      } else {
        for (Attribute& a : attrs)
          if (iequals(a.name, sl.name)) attr = &a;
      }
      if (attr == nullptr) {
        attrs.push_back(Attribute{std::string(sl.name), {}});
        attr = &attrs.back();
      }
      attr->values.push_back(std::move(value));
      value.clear();
    }
    return Status::Ok();
  };
  auto object_type_of = [](const std::vector<Attribute>& attrs) -> std::string {
    for (const Attribute& a : attrs)
      if (iequals(a.name, "objectClass") && !a.values.empty()) return a.values.back();
    return {};
  };

  record.line = lines_[0].line;
  SplitLine sl;
  IDSYNC_RETURN_IF_ERROR(split(lines_[0], sl));
  if (!iequals(sl.name, "dn"))
    return error(lines_[0].line, "a record must start with 'dn:', found '" + excerpt(sl.name) +
                                     ":' (is an empty line missing inside a record?)");
  std::string dn;
  IDSYNC_RETURN_IF_ERROR(decode(lines_[0], sl, dn));
  current_dn_ = dn;

  size_t i = 1;
  if (i < lines_.size()) IDSYNC_RETURN_IF_ERROR(split(lines_[i], sl));
  if (i < lines_.size() && iequals(sl.name, "control"))
    return error(lines_[i].line, "LDAP controls ('control:' lines) are not supported");
  if (i >= lines_.size() || !iequals(sl.name, "changetype")) {
    record.is_change = false;
    record.change = EntryChange{};
    record.entry = Entry{};
    record.entry.dn = std::move(dn);
    IDSYNC_RETURN_IF_ERROR(read_attributes(1, record.entry.attributes));
    record.entry.object_type = object_type_of(record.entry.attributes);
    return Status::Ok();
  }

  const uint64_t changetype_line = lines_[i].line;
  std::string changetype;
  IDSYNC_RETURN_IF_ERROR(decode(lines_[i], sl, changetype));
  ++i;
  record.is_change = true;
  record.entry = Entry{};
  record.change = EntryChange{};
  EntryChange& change = record.change;
  change.dn = std::move(dn);

  if (iequals(changetype, "add")) {
    change.kind = ChangeKind::kAdd;
    IDSYNC_RETURN_IF_ERROR(read_attributes(i, change.attributes));
    change.object_type = object_type_of(change.attributes);
    return Status::Ok();
  }
  if (iequals(changetype, "delete")) {
    change.kind = ChangeKind::kDelete;
    if (i < lines_.size())
      return error(lines_[i].line, "a delete record has no lines after 'changetype: delete', "
                                   "found '" + excerpt(text_of(lines_[i])) + "'");
    return Status::Ok();
  }
  if (iequals(changetype, "modify")) {
    change.kind = ChangeKind::kModify;
    std::string value;
    while (i < lines_.size()) {
      IDSYNC_RETURN_IF_ERROR(split(lines_[i], sl));
      AttributeChange ac;
      if (iequals(sl.name, "add")) {
        ac.op = ValueOp::kAdd;
      } else if (iequals(sl.name, "delete")) {
        ac.op = ValueOp::kDelete;
      } else if (iequals(sl.name, "replace")) {
        ac.op = ValueOp::kReplace;
      } else {
        return error(lines_[i].line, "expected 'add:', 'delete:' or 'replace:' in a modify "
                                     "record, found '" + excerpt(sl.name) + ":'");
      }
      const uint64_t op_line = lines_[i].line;
      IDSYNC_RETURN_IF_ERROR(decode(lines_[i], sl, ac.name));
      if (ac.name.empty()) return error(op_line, "'" + std::string(sl.name) + ":' names no attribute");
      ++i;
      for (; i < lines_.size(); ++i) {
        std::string_view t = text_of(lines_[i]);
        while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
        if (t == "-") {
          ++i;
          break;
        }
        IDSYNC_RETURN_IF_ERROR(split(lines_[i], sl));
        if (!iequals(sl.name, ac.name))
          return error(lines_[i].line, "value for '" + std::string(sl.name) + "' inside the '" +
                                           ac.name + "' block; end each block with a '-' line");
        IDSYNC_RETURN_IF_ERROR(decode(lines_[i], sl, value));
        ac.values.push_back(std::move(value));
        value.clear();
      }
      // The final '-' is required by RFC 2849 but often left out; its absence is accepted at
      // the end of the record (anywhere else the next 'add:' line fails the name check).
      change.changes.push_back(std::move(ac));
    }
    return Status::Ok();
  }
  if (iequals(changetype, "modrdn") || iequals(changetype, "moddn")) {
    change.kind = ChangeKind::kRename;
    std::string newrdn, newsuperior, deleteoldrdn = "1";
    bool has_newrdn = false, has_newsuperior = false;
    for (; i < lines_.size(); ++i) {
      IDSYNC_RETURN_IF_ERROR(split(lines_[i], sl));
      if (iequals(sl.name, "newrdn")) {
        IDSYNC_RETURN_IF_ERROR(decode(lines_[i], sl, newrdn));
        has_newrdn = true;
      } else if (iequals(sl.name, "deleteoldrdn")) {
        IDSYNC_RETURN_IF_ERROR(decode(lines_[i], sl, deleteoldrdn));
        if (deleteoldrdn != "0" && deleteoldrdn != "1")
          return error(lines_[i].line, "deleteoldrdn must be 0 or 1, found '" +
                                           excerpt(deleteoldrdn) + "'");
      } else if (iequals(sl.name, "newsuperior")) {
        IDSYNC_RETURN_IF_ERROR(decode(lines_[i], sl, newsuperior));
        has_newsuperior = true;
      } else {
        return error(lines_[i].line, "unexpected '" + excerpt(sl.name) + ":' in a " + changetype +
                                         " record (expected newrdn, deleteoldrdn, newsuperior)");
      }
    }
    if (!has_newrdn || newrdn.empty())
      return error(changetype_line, "the " + changetype + " record has no 'newrdn:'");
    std::string_view parent = has_newsuperior ? std::string_view(newsuperior) : parent_dn(change.dn);
    change.new_dn = newrdn;
    if (!parent.empty()) {
      change.new_dn.push_back(',');
      change.new_dn += parent;
    }
    if (deleteoldrdn == "0") {
      // Keep the old RDN values: expressed as adds after the (value-replacing) rename.
      auto old_rdn = parse_rdn(rdn(change.dn));
      if (!old_rdn.ok()) return error(changetype_line, old_rdn.status().message());
      for (Ava& ava : *old_rdn)
        change.changes.push_back(AttributeChange{std::move(ava.type), ValueOp::kAdd, {std::move(ava.value)}});
    }
    return Status::Ok();
  }
  return error(changetype_line, "unknown changetype '" + excerpt(changetype) +
                                    "' (expected add, delete, modify, modrdn or moddn)");
}

// ---------------------------------------------------------------------------------------------
// LdifWriter

LdifWriter::LdifWriter(std::ostream& out, bool write_version)
    : out_(out), write_version_(write_version) {}

bool LdifWriter::is_safe_string(std::string_view value) {
  if (value.empty()) return true;
  char f = value.front();
  if (f == ' ' || f == ':' || f == '<') return false;
  if (value.back() == ' ') return false;
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (u == 0 || u == '\n' || u == '\r' || u >= 0x80) return false;
  }
  return true;
}

void LdifWriter::append_line(std::string& out, std::string_view name, std::string_view value) {
  const size_t start = out.size();
  out += name;
  if (is_safe_string(value)) {
    out.push_back(':');
    if (!value.empty()) {
      out.push_back(' ');
      out += value;
    }
  } else {
    out += ":: ";
    base64_encode_to(value, out);
  }
  const size_t len = out.size() - start;
  if (len > kFoldColumn) {
    // Fold: the first line holds 76 characters, each continuation a space and 75 more.
    std::string line = out.substr(start);
    out.resize(start);
    out.append(line, 0, kFoldColumn);
    for (size_t p = kFoldColumn; p < line.size(); p += kFoldColumn - 1) {
      out += "\n ";
      out.append(line, p, kFoldColumn - 1);
    }
  }
  out.push_back('\n');
}

Status LdifWriter::status() const {
  if (!out_) return Status::Error(ErrorCode::kIoError, "writing LDIF failed (disk full or closed?)");
  return Status::Ok();
}

Status LdifWriter::begin_record() {
  buf_.clear();
  if (records_ == 0 && write_version_) buf_ += "version: 1\n";
  return Status::Ok();
}

Status LdifWriter::flush_record() {
  buf_.push_back('\n');
  out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  ++records_;
  return status();
}

namespace {

Status check_name(std::string_view name, std::string_view dn) {
  bool ok = !name.empty();
  for (char c : name) ok = ok && is_attr_desc_char(c);
  if (ok) return Status::Ok();
  return Status::Error(ErrorCode::kInvalidArgument,
                       "attribute name '" + excerpt(name) + "' of entry '" + std::string(dn) +
                           "' cannot be written to LDIF (letters, digits, '-', ';', '.' only)");
}

}  // namespace

Status LdifWriter::write_entry(const Entry& entry) {
  for (const Attribute& a : entry.attributes) IDSYNC_RETURN_IF_ERROR(check_name(a.name, entry.dn));
  IDSYNC_RETURN_IF_ERROR(begin_record());
  append_line(buf_, "dn", entry.dn);
  for (const Attribute& a : entry.attributes)
    for (const std::string& v : a.values) append_line(buf_, a.name, v);
  return flush_record();
}

Status LdifWriter::write_change(const EntryChange& change) { return write_change(change, {}, {}); }

Status LdifWriter::write_change(const EntryChange& change, const std::vector<Attribute>& before,
                                const std::vector<Attribute>& after) {
  for (const auto* list : {&before, &change.attributes, &after})
    for (const Attribute& a : *list) IDSYNC_RETURN_IF_ERROR(check_name(a.name, change.dn));
  for (const AttributeChange& c : change.changes) IDSYNC_RETURN_IF_ERROR(check_name(c.name, change.dn));
  auto write_modify = [&](const std::string& dn) -> Status {
    IDSYNC_RETURN_IF_ERROR(begin_record());
    append_line(buf_, "dn", dn);
    buf_ += "changetype: modify\n";
    for (const AttributeChange& c : change.changes) {
      const char* op = c.op == ValueOp::kAdd ? "add" : c.op == ValueOp::kDelete ? "delete" : "replace";
      append_line(buf_, op, c.name);
      for (const std::string& v : c.values) append_line(buf_, c.name, v);
      buf_ += "-\n";
    }
    return flush_record();
  };

  switch (change.kind) {
    case ChangeKind::kAdd:
      IDSYNC_RETURN_IF_ERROR(begin_record());
      append_line(buf_, "dn", change.dn);
      buf_ += "changetype: add\n";
      for (const auto* list : {&before, &change.attributes, &after})
        for (const Attribute& a : *list)
          for (const std::string& v : a.values) append_line(buf_, a.name, v);
      return flush_record();
    case ChangeKind::kDelete:
      IDSYNC_RETURN_IF_ERROR(begin_record());
      append_line(buf_, "dn", change.dn);
      buf_ += "changetype: delete\n";
      return flush_record();
    case ChangeKind::kModify:
      if (change.changes.empty()) return Status::Ok();
      return write_modify(change.dn);
    case ChangeKind::kRename: {
      if (change.new_dn.empty())
        return Status::Error(ErrorCode::kInvalidArgument,
                             "rename of '" + change.dn + "' has no new DN");
      std::string_view new_parent = parent_dn(change.new_dn);
      std::string_view old_parent = parent_dn(change.dn);
      bool same_parent = iequals(new_parent, old_parent) || dn_equals(new_parent, old_parent);
      IDSYNC_RETURN_IF_ERROR(begin_record());
      append_line(buf_, "dn", change.dn);
      buf_ += "changetype: modrdn\n";
      append_line(buf_, "newrdn", rdn(change.new_dn));
      buf_ += "deleteoldrdn: 1\n";
      if (!same_parent) append_line(buf_, "newsuperior", new_parent);
      IDSYNC_RETURN_IF_ERROR(flush_record());
      if (!change.changes.empty()) return write_modify(change.new_dn);
      return Status::Ok();
    }
  }
  return Status::Ok();
}

}  // namespace idsync::file
