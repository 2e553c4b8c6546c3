// The export analyzer (see idsync/csanalyzer.h).
//
// Streaming: pugixml builds whole documents, so the file is never handed to it whole. A small
// scanner reads the input in 1 MiB chunks, finds each <cs-object ...>...</cs-object> element
// (cs-object elements do not nest; comments, CDATA sections and processing instructions are
// skipped so a "<cs-object" inside them is not mistaken for one) and pugixml parses that one
// fragment. Memory is one chunk plus the largest single object.
#include "idsync/csanalyzer.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <pugixml.hpp>
#include <set>
#include <vector>

#include "idsync/private_file.h"

namespace idsync {

namespace {

// ---- input: bytes → UTF-8 -----------------------------------------------------------------

// Reads the stream as UTF-8, transcoding UTF-16 (detected by its BOM, or by "<" followed by
// NUL) on the fly. Chunk boundaries may split a code unit or a surrogate pair: the leftovers
// wait for the next chunk.
class Utf8Source {
 public:
  explicit Utf8Source(std::istream& in) : in_(in) {}

  // Appends up to about `chunk` bytes of UTF-8 to `out`; false at end of input.
  bool read(std::string& out, size_t chunk) {
    if (done_) return false;
    std::string raw(chunk, '\0');
    in_.read(raw.data(), static_cast<std::streamsize>(chunk));
    raw.resize(static_cast<size_t>(in_.gcount()));
    if (raw.empty()) {
      done_ = true;
      return false;
    }
    if (first_) {
      first_ = false;
      if (raw.size() >= 3 && raw.compare(0, 3, "\xEF\xBB\xBF") == 0) {
        raw.erase(0, 3);
      } else if (raw.size() >= 2 && raw.compare(0, 2, "\xFF\xFE") == 0) {
        mode_ = kUtf16Le;
        raw.erase(0, 2);
      } else if (raw.size() >= 2 && raw.compare(0, 2, "\xFE\xFF") == 0) {
        mode_ = kUtf16Be;
        raw.erase(0, 2);
      } else if (raw.size() >= 2 && raw[0] == '<' && raw[1] == '\0') {
        mode_ = kUtf16Le;
      } else if (raw.size() >= 2 && raw[0] == '\0' && raw[1] == '<') {
        mode_ = kUtf16Be;
      }
    }
    if (mode_ == kUtf8) {
      out += raw;
      return true;
    }
    pending_ += raw;
    size_t i = 0;
    for (; i + 1 < pending_.size(); i += 2) {
      uint8_t a = static_cast<uint8_t>(pending_[i]), b = static_cast<uint8_t>(pending_[i + 1]);
      uint32_t unit = mode_ == kUtf16Le ? (a | (b << 8)) : ((a << 8) | b);
      if (unit >= 0xD800 && unit <= 0xDBFF) {
        high_ = unit;
        continue;
      }
      uint32_t cp = unit;
      if (unit >= 0xDC00 && unit <= 0xDFFF) {
        cp = high_ ? 0x10000 + ((high_ - 0xD800) << 10) + (unit - 0xDC00) : 0xFFFD;
      } else if (high_) {
        append(out, 0xFFFD);  // a lone high surrogate
      }
      high_ = 0;
      append(out, cp);
    }
    pending_.erase(0, i);
    return true;
  }

 private:
  static void append(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  enum Mode { kUtf8, kUtf16Le, kUtf16Be };
  std::istream& in_;
  Mode mode_ = kUtf8;
  bool first_ = true;
  bool done_ = false;
  std::string pending_;
  uint32_t high_ = 0;
};

// ---- the <cs-object> scanner --------------------------------------------------------------

class CsObjectScanner {
 public:
  explicit CsObjectScanner(std::istream& in) : src_(in) {}

  // The next <cs-object> element's text (valid until the next call); nullopt at the end.
  Result<std::optional<std::string_view>> next() {
    for (;;) {
      size_t lt = buf_.find('<', pos_);
      if (lt == std::string::npos) {
        pos_ = buf_.size();
        if (!fill()) return finish();
        continue;
      }
      pos_ = lt;
      if (buf_.size() - lt < 16 && !eof_) {  // enough to tell what this markup is
        fill();
        continue;
      }
      std::string_view rest = std::string_view(buf_).substr(lt);
      if (rest.starts_with("<!--") || rest.starts_with("<![CDATA[") || rest.starts_with("<?") ||
          rest.starts_with("<!")) {
        const char* close = rest.starts_with("<!--") ? "-->" : rest.starts_with("<![CDATA[") ? "]]>"
                            : rest.starts_with("<?")  ? "?>"
                                                      : ">";
        if (std::strcmp(close, ">") == 0 && rest.starts_with("<!DOCTYPE") &&
            rest.find('[') < rest.find('>'))
          close = "]>";  // a DOCTYPE with an internal subset
        size_t end = buf_.find(close, lt + 2);
        if (end == std::string::npos) {
          if (!fill()) return truncated("a comment, CDATA section or declaration");
          continue;
        }
        pos_ = end + std::strlen(close);
        continue;
      }
      if (start_ == std::string::npos) {
        if (is_tag(rest, "<cs-objects")) saw_root_ = true;
        if (is_tag(rest, "<cs-object")) {
          size_t gt = tag_end(lt);
          if (gt == std::string::npos) {
            if (!fill()) return truncated("a <cs-object> tag");
            continue;
          }
          if (buf_[gt - 1] == '/') {  // <cs-object .../>: an object with nothing in it
            pos_ = gt + 1;
            return std::optional<std::string_view>(std::string_view(buf_).substr(lt, gt + 1 - lt));
          }
          start_ = lt;
          pos_ = gt + 1;
          continue;
        }
      } else if (is_tag(rest, "</cs-object")) {
        size_t gt = buf_.find('>', lt);
        if (gt == std::string::npos) {
          if (!fill()) return truncated("a </cs-object> tag");
          continue;
        }
        std::string_view fragment = std::string_view(buf_).substr(start_, gt + 1 - start_);
        start_ = std::string::npos;
        pos_ = gt + 1;
        return std::optional<std::string_view>(fragment);
      }
      pos_ = lt + 1;
    }
  }

  uint64_t consumed() const { return dropped_ + pos_; }

 private:
  static Status truncated(const char* where) {
    return Status::Error(ErrorCode::kParseError, std::string("the file ends inside ") + where +
                                                     " (is it truncated? export it again with csexport)");
  }

  static bool is_tag(std::string_view rest, std::string_view name) {
    if (!rest.starts_with(name) || rest.size() <= name.size()) return false;
    char c = rest[name.size()];
    return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  // The '>' closing the start tag at `lt` (quoted attribute values may hold '>').
  size_t tag_end(size_t lt) const {
    char quote = 0;
    for (size_t i = lt + 1; i < buf_.size(); ++i) {
      char c = buf_[i];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        return i;
      }
    }
    return std::string::npos;
  }

  // Drops what is no longer needed, then reads another chunk; false at end of input.
  bool fill() {
    size_t keep_from = start_ != std::string::npos ? start_ : pos_;
    if (keep_from > 0 && keep_from >= buf_.size() / 2) {
      buf_.erase(0, keep_from);
      dropped_ += keep_from;
      pos_ -= keep_from;
      if (start_ != std::string::npos) start_ -= keep_from;
    }
    if (!src_.read(buf_, kChunk)) {
      eof_ = true;
      return false;
    }
    return true;
  }

  Result<std::optional<std::string_view>> finish() {
    if (start_ != std::string::npos)
      return truncated("a <cs-object> element");
    if (!saw_root_)
      return Status::Error(ErrorCode::kParseError,
                           "no <cs-objects> element found: this is not a csexport file (write one with "
                           "`idsync csexport <connector> <file.xml>`)");
    return std::optional<std::string_view>();
  }

  static constexpr size_t kChunk = 1 << 20;
  Utf8Source src_;
  std::string buf_;
  size_t pos_ = 0;
  size_t start_ = std::string::npos;
  uint64_t dropped_ = 0;
  bool eof_ = false;
  bool saw_root_ = false;
};

// ---- analysis -------------------------------------------------------------------------------

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// "add" → "Add", "delete-add" → "Delete-Add".
std::string title(std::string_view s) {
  std::string out = lower(s);
  bool start = true;
  for (char& c : out) {
    if (start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    start = c == '-' || c == ' ' || c == '_';
  }
  return out;
}

bool truthy(std::string_view s) {
  std::string l = lower(s);
  return l == "true" || l == "1" || l == "yes";
}

struct Value {
  std::string text;
  std::string op;  // lower-case per-value operation, may be empty
};

// The values of an <attr> (<value>) or <dn-attr> (<dn-value><dn>).
std::vector<Value> values_of(pugi::xml_node attr, bool reference) {
  std::vector<Value> out;
  for (pugi::xml_node v : attr.children(reference ? "dn-value" : "value")) {
    Value value;
    value.op = lower(v.attribute("operation").value());
    value.text = reference ? v.child("dn").text().get() : v.text().get();
    out.push_back(std::move(value));
  }
  return out;
}

struct HologramAttr {
  bool multi_valued = false;
  std::vector<std::string> values;
};

std::map<std::string, HologramAttr> hologram_of(pugi::xml_node object) {
  std::map<std::string, HologramAttr> out;
  pugi::xml_node entry = object.child("synchronized-hologram").child("entry");
  if (!entry) entry = object.child("hologram").child("entry");  // MIIS 2003 name
  for (pugi::xml_node a : entry.children()) {
    std::string_view name = a.name();
    bool reference = name == "dn-attr";
    if (!reference && name != "attr") continue;
    HologramAttr& h = out[lower(a.attribute("name").value())];
    h.multi_valued = truthy(a.attribute("multivalued").value());
    for (Value& v : values_of(a, reference)) h.values.push_back(std::move(v.text));
  }
  return out;
}

class CsvOut {
 public:
  explicit CsvOut(std::ostream& out) : out_(out) {}
  void row(const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) line += ',';
      line += csv_cell(cells[i]);
    }
    line += "\r\n";
    out_ << line;
  }

 private:
  std::ostream& out_;
};

class Analyzer {
 public:
  Analyzer(const CsAnalyzerOptions& options, CsvOut& csv, CsAnalyzerSummary& summary)
      : options_(options), csv_(csv), summary_(summary) {}

  void object(pugi::xml_node object) {
    ++summary_.objects_read;
    pugi::xml_node delta = object.child(options_.delta_kind.c_str()).child("delta");
    if (!delta) return;
    std::string operation = lower(delta.attribute("operation").value());
    if (operation.empty() || operation == "none") return;
    ++summary_.objects_analyzed;

    std::string type = object.attribute("object-type").value();
    if (type.empty()) type = delta.child("primary-objectclass").text().get();
    std::string dn = object.attribute("cs-dn").value();
    std::string delta_dn = delta.attribute("dn").value();
    if (dn.empty()) dn = delta_dn;
    std::string omodt = title(operation);
    auto hologram = hologram_of(object);

    std::vector<std::vector<std::string>> rows;
    // MIM shows a rename as a delta whose dn differs from cs-dn.
    if (!delta_dn.empty() && lower(delta_dn) != lower(dn) && operation != "add") {
      rows.push_back({"DN", "Replace", "dn", "False", "1", "1", "1", dn, delta_dn});
    }
    for (pugi::xml_node a : delta.children()) {
      std::string_view name = a.name();
      bool reference = name == "dn-attr";
      if (!reference && name != "attr") continue;  // anchor, primary-objectclass, objectclass, ...
      rows.push_back(attribute(a, reference, operation, hologram));
    }
    CsAnalyzerCounts& counts = summary_.by_omodt[omodt];
    ++counts.objects;
    counts.attribute_changes += rows.size();
    std::string changed = std::to_string(rows.size());
    if (rows.empty()) {
      csv_.row({type, dn, omodt, "0", "", "", "", "", "", "", "", "", ""});
      ++summary_.rows;
      return;
    }
    for (auto& r : rows) {
      std::vector<std::string> cells = {type, dn, omodt, changed};
      cells.insert(cells.end(), std::make_move_iterator(r.begin()), std::make_move_iterator(r.end()));
      csv_.row(cells);
      ++summary_.rows;
    }
  }

 private:
  // AttrName, AMODT, ATYPE, IsMultiValued, ValueChangeCount, ValueAdds, ValueDeletes, OldValue, NewValue
  std::vector<std::string> attribute(pugi::xml_node a, bool reference, const std::string& object_op,
                                     const std::map<std::string, HologramAttr>& hologram) {
    std::string name = a.attribute("name").value();
    std::string type = reference ? "reference" : lower(a.attribute("type").value());
    if (type.empty()) type = "string";
    bool multi = truthy(a.attribute("multivalued").value());
    std::string op = lower(a.attribute("operation").value());
    if (op.empty()) op = object_op == "update" ? "replace" : object_op == "delete" ? "delete" : "add";
    if (object_op == "replace" && a.attribute("operation").empty()) op = "replace";

    std::vector<Value> values = values_of(a, reference);
    auto held = hologram.find(lower(name));
    const std::vector<std::string>* old_values = held == hologram.end() ? nullptr : &held->second.values;

    uint64_t adds = 0, deletes = 0;
    std::vector<std::string> now;  // the values the attribute is left with, when known
    bool per_value = std::any_of(values.begin(), values.end(), [](const Value& v) { return !v.op.empty(); });
    if (per_value) {
      if (old_values) now = *old_values;
      for (const Value& v : values) {
        if (v.op == "delete") {
          ++deletes;
          now.erase(std::remove(now.begin(), now.end(), v.text), now.end());
        } else {
          ++adds;
          now.push_back(v.text);
        }
      }
    } else if (op == "delete") {
      deletes = values.empty() && old_values ? old_values->size() : values.size();
    } else if (op == "replace" && old_values) {
      std::set<std::string> before(old_values->begin(), old_values->end());
      std::set<std::string> after;
      for (const Value& v : values) after.insert(v.text);
      for (const std::string& v : after) adds += before.count(v) ? 0 : 1;
      for (const std::string& v : before) deletes += after.count(v) ? 0 : 1;
      for (const Value& v : values) now.push_back(v.text);
    } else {
      adds = values.size();
      for (const Value& v : values) now.push_back(v.text);
    }

    std::string old_value, new_value;
    if (!multi) {
      if (old_values && !old_values->empty()) old_value = old_values->front();
      if (op != "delete" && !now.empty()) new_value = now.back();
    }
    return {name,
            title(op),
            type,
            multi ? "True" : "False",
            std::to_string(adds + deletes),
            std::to_string(adds),
            std::to_string(deletes),
            old_value,
            new_value};
  }

  const CsAnalyzerOptions& options_;
  CsvOut& csv_;
  CsAnalyzerSummary& summary_;
};

}  // namespace

bool is_csanalyzer_delta_kind(std::string_view kind) {
  return kind == "unapplied-export" || kind == "unconfirmed-export" || kind == "escrowed-export" ||
         kind == "pending-import";
}

std::string csv_cell(std::string_view value) {
  std::string cell;
  if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' ||
                         value[0] == '\t' || value[0] == '\r'))
    cell = "'";
  cell.append(value);
  bool quote = cell.find_first_of(",\"\r\n") != std::string::npos ||
               (!cell.empty() && (cell.front() == ' ' || cell.back() == ' '));
  if (!quote) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

Result<CsAnalyzerSummary> analyze_csexport(std::istream& xml, std::ostream& csv, const CsAnalyzerOptions& options) {
  if (!is_csanalyzer_delta_kind(options.delta_kind))
    return Status::Error(ErrorCode::kInvalidArgument,
                         "unknown delta kind '" + options.delta_kind +
                             "'; use unapplied-export, unconfirmed-export, escrowed-export or pending-import");
  CsAnalyzerSummary summary;
  CsvOut out(csv);
  csv << kCsAnalyzerHeader << "\r\n";
  Analyzer analyzer(options, out, summary);
  CsObjectScanner scanner(xml);
  for (;;) {
    auto fragment = scanner.next();
    if (!fragment.ok()) return fragment.status().with_context("after cs-object " + std::to_string(summary.objects_read));
    if (!fragment->has_value()) break;
    pugi::xml_document doc;
    std::string_view text = **fragment;
    pugi::xml_parse_result parsed =
        doc.load_buffer(text.data(), text.size(), pugi::parse_default | pugi::parse_ws_pcdata_single, pugi::encoding_utf8);
    if (!parsed) {
      std::string head(text.substr(0, std::min<size_t>(text.size(), 200)));
      return Status::Error(ErrorCode::kParseError,
                           "cs-object " + std::to_string(summary.objects_read + 1) + " (ending near byte " +
                               std::to_string(scanner.consumed()) + ") is not well-formed XML: " +
                               parsed.description() + " at offset " + std::to_string(parsed.offset) +
                               " of the element starting " + head);
    }
    analyzer.object(doc.child("cs-object"));
    if (!csv) return Status::Error(ErrorCode::kIoError, "writing the CSV output failed");
  }
  csv.flush();
  if (!csv) return Status::Error(ErrorCode::kIoError, "writing the CSV output failed");
  return summary;
}

Result<CsAnalyzerSummary> analyze_csexport_file(const std::string& xml_path, const std::string& csv_path,
                                                const CsAnalyzerOptions& options) {
  std::ifstream in(xml_path, std::ios::binary);
  if (!in)
    return Status::Error(ErrorCode::kNotFound, "cannot open " + xml_path + ": " + std::strerror(errno) +
                                                   "; give a file written by csexport");
  if (csv_path.empty()) {
    auto r = analyze_csexport(in, std::cout, options);
    if (!r.ok()) return r.status().with_context(xml_path);
    return r;
  }
  IDSYNC_RETURN_IF_ERROR(prepare_private_file(csv_path));  // one row per object: directory data
  std::ofstream out(csv_path, std::ios::binary | std::ios::trunc);
  if (!out)
    return Status::Error(ErrorCode::kIoError, "cannot create " + csv_path + ": " + std::strerror(errno) +
                                                  "; check that its folder exists and is writable");
  auto r = analyze_csexport(in, out, options);
  if (!r.ok()) return r.status().with_context(xml_path);
  out.close();
  if (!out) return Status::Error(ErrorCode::kIoError, "writing " + csv_path + " failed");
  return r;
}

std::string format_csanalyzer_summary(const CsAnalyzerSummary& s, const CsAnalyzerOptions& options) {
  std::string out = std::to_string(s.objects_read) + " cs-objects read, " + std::to_string(s.objects_analyzed) +
                    " with a " + options.delta_kind + " delta, " + std::to_string(s.rows) + " rows\n";
  for (const auto& [omodt, c] : s.by_omodt)
    out += "  " + omodt + ": " + std::to_string(c.objects) + " objects, " + std::to_string(c.attribute_changes) +
           " attribute changes\n";
  return out;
}

std::string format_csanalyzer_summary_csv(const CsAnalyzerSummary& s) {
  std::string out = "OMODT,Objects,ChangedAttributes\r\n";
  for (const auto& [omodt, c] : s.by_omodt)
    out += csv_cell(omodt) + "," + std::to_string(c.objects) + "," + std::to_string(c.attribute_changes) + "\r\n";
  return out;
}

}  // namespace idsync
