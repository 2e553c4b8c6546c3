// csexport: the connector space as MIM "Connector Space Export XML" (see idsync/csexport.h).
//
// Objects are written while load_cs() streams them; the only buffer is the output buffer,
// flushed every 64 KiB. Text that XML 1.0 cannot carry (control characters, invalid UTF-8,
// U+FFFE/U+FFFF) never reaches the file raw: values go base64 with encoding="base64" (the
// form MIM uses for binary values), DNs get RFC 4514 \XX escapes (the same DN to a DN
// parser), other text gets \xXX.
#include "idsync/csexport.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <vector>

#include "idsync/dn.h"
#include "idsync/private_file.h"
#include "ops/object_views.h"
#include "ops/utf8_sequence.h"
#include "store/store.h"

namespace idsync {

namespace {

// ---- XML text ------------------------------------------------------------------------------

// Length of the UTF-8 sequence at s[i] encoding an XML 1.0 Char, or 0 when the bytes there
// are invalid UTF-8 or a character XML 1.0 forbids.
size_t xml_char_length(std::string_view s, size_t i) {
  uint32_t cp = 0;
  size_t n = utf8_sequence(s, i, cp);
  if (n == 1) return cp >= 0x20 || cp == 0x09 || cp == 0x0A || cp == 0x0D ? 1 : 0;
  return cp == 0xFFFE || cp == 0xFFFF ? 0 : n;
}

bool xml_safe(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = xml_char_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// Replaces every byte XML cannot carry with `prefix` + two hex digits.
std::string make_xml_safe(std::string_view s, const char* prefix) {
  if (xml_safe(s)) return std::string(s);
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t n = xml_char_length(s, i);
    if (n == 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "%s%02X", prefix, static_cast<unsigned char>(s[i]));
      out += hex;
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string safe_dn(std::string_view dn) { return make_xml_safe(dn, "\\"); }
std::string safe_text(std::string_view text) { return make_xml_safe(text, "\\x"); }

// A buffered writer over a FILE*. Remembers the first write error; finish() reports it.
class XmlOut {
 public:
  explicit XmlOut(std::FILE* f) : f_(f) { buf_.reserve(kFlushAt + 4096); }
  XmlOut(const XmlOut&) = delete;
  XmlOut& operator=(const XmlOut&) = delete;

  XmlOut& raw(std::string_view s) {
    buf_.append(s);
    if (buf_.size() >= kFlushAt) flush();
    return *this;
  }
  XmlOut& indent(int depth) {
    buf_.append(static_cast<size_t>(depth) * 2, ' ');
    return *this;
  }
  // Escaped character data; `s` must be xml_safe.
  XmlOut& text(std::string_view s) {
    for (char c : s) {
      switch (c) {
        case '&': buf_ += "&amp;"; break;
        case '<': buf_ += "&lt;"; break;
        case '>': buf_ += "&gt;"; break;
        case '\r': buf_ += "&#13;"; break;  // a raw CR would be normalized away by readers
        default: buf_ += c;
      }
    }
    if (buf_.size() >= kFlushAt) flush();
    return *this;
  }
  // ' name="value"' with the value escaped so attribute-value normalization keeps it intact.
  XmlOut& attr(std::string_view name, std::string_view value) {
    buf_ += ' ';
    buf_.append(name);
    buf_ += "=\"";
    for (char c : value) {
      switch (c) {
        case '&': buf_ += "&amp;"; break;
        case '<': buf_ += "&lt;"; break;
        case '>': buf_ += "&gt;"; break;
        case '"': buf_ += "&quot;"; break;
        case '\t': buf_ += "&#9;"; break;
        case '\n': buf_ += "&#10;"; break;
        case '\r': buf_ += "&#13;"; break;
        default: buf_ += c;
      }
    }
    buf_ += '"';
    return *this;
  }
  void flush() {
    if (!buf_.empty() && ok_ && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) {
      ok_ = false;
      err_ = errno;
    }
    buf_.clear();
  }
  // Flushes everything to the file system; false (with errno_value()) on a write error.
  bool finish() {
    flush();
    if (ok_ && std::fflush(f_) != 0) {
      ok_ = false;
      err_ = errno;
    }
    return ok_;
  }
  bool ok() const { return ok_; }
  int errno_value() const { return err_; }

 private:
  static constexpr size_t kFlushAt = 64 * 1024;
  std::FILE* f_;
  std::string buf_;
  bool ok_ = true;
  int err_ = 0;
};

// ---- objects -------------------------------------------------------------------------------

struct ValueOut {
  std::string_view value;
  const char* op = nullptr;  // per-value operation ("add" / "delete") or none
};

struct AttrOut {
  AttrId id;
  const char* op = nullptr;  // attribute operation (delta only) or none
  std::vector<ValueOut> values;
};

const char* type_name(AttrType type) {
  switch (type) {
    case AttrType::kInteger: return "integer";
    case AttrType::kBinary: return "binary";
    case AttrType::kBoolean: return "boolean";
    default: return "string";  // MIM has no date type: dates travel as strings
  }
}

class Writer {
 public:
  Writer(XmlOut& out, const AttributeTable& attrs, const CsExportSections& sections)
      : out_(out), attrs_(attrs), sections_(sections) {}

  void object(const CsObject& o) {
    CsSetsView sets(o);  // each cold set thawed once for the whole object
    out_.indent(1).raw("<cs-object").attr("cs-dn", safe_dn(o.dn)).attr("id", format_cs_object_guid(o.id));
    if (!o.object_type.empty()) out_.attr("object-type", safe_text(o.object_type));
    out_.raw(">\n");

    // Child order as the MIM schema lists it: deltas, holograms, connector, errors, links.
    if (sections_.deltas && !o.pending_export.empty()) {
      out_.indent(2).raw("<unapplied-export>\n");
      export_delta(o, sets);
      out_.indent(2).raw("</unapplied-export>\n");
    }
    AttributeSet believed;  // what the directory holds once unconfirmed exports arrive
    bool have_believed = false;
    auto get_believed = [&]() -> const AttributeSet& {
      if (!have_believed) {
        believed = sets.imported();
        for (const AttrEntry a : sets.unconfirmed().items()) believed.set(a.id, a.values.to_list());
        have_believed = true;
      }
      return believed;
    };
    if (sections_.deltas && !o.unconfirmed.empty()) {
      const AttributeSet& base = sets.imported();
      std::vector<AttrOut> changes = diff(base, get_believed());
      if (!changes.empty()) {
        out_.indent(2).raw("<unconfirmed-export>\n");
        delta(base.empty() ? "add" : "update", o.dn, o, changes);
        out_.indent(2).raw("</unconfirmed-export>\n");
      }
    }
    bool staged = o.pending_import == PendingImportKind::kAdd || o.pending_import == PendingImportKind::kUpdate ||
                  o.pending_import == PendingImportKind::kDeleteAdd;
    if (sections_.pending_imports && o.pending_import != PendingImportKind::kNone) {
      out_.indent(2).raw("<pending-import>\n");
      import_delta(o, sets);
      out_.indent(2).raw("</pending-import>\n");
    }
    if (sections_.holograms) {
      if (!o.hologram.empty()) {
        out_.indent(2).raw("<synchronized-hologram>\n");
        entry(o.dn, o, sets.hologram());
        out_.indent(2).raw("</synchronized-hologram>\n");
      }
      if (o.pending_export.kind == PendingExportKind::kAdd || o.pending_export.kind == PendingExportKind::kUpdate) {
        AttributeSet after = get_believed();
        for (const PendingChange c : sets.pending_changes()) apply(after, c);
        out_.indent(2).raw("<unapplied-export-hologram>\n");
        entry(o.pending_export.new_dn.empty() ? o.dn : o.pending_export.new_dn, o, after);
        out_.indent(2).raw("</unapplied-export-hologram>\n");
      }
      if (!o.unconfirmed.empty()) {
        out_.indent(2).raw("<unconfirmed-export-hologram>\n");
        entry(o.dn, o, get_believed());
        out_.indent(2).raw("</unconfirmed-export-hologram>\n");
      }
      if (sections_.pending_imports && staged) {
        out_.indent(2).raw("<pending-import-hologram>\n");
        entry(o.import_dn.empty() ? o.dn : o.import_dn, o, sets.import_state());
        out_.indent(2).raw("</pending-import-hologram>\n");
      }
    }
    if (sections_.base) {
      out_.indent(2).raw("<connector>").raw(o.mv != 0 ? "1" : "0").raw("</connector>\n");
      const char* state = o.state == ConnectorState::kNormal ? "normal"
                          : o.state == ConnectorState::kFiltered ? "stay"
                                                                 : "explicit";
      out_.indent(2).raw("<connector-state>").raw(state).raw("</connector-state>\n");
    }
    if (sections_.errors && !o.error.empty()) {
      // MIM keeps import and synchronization errors in <import-errordetail>. We keep no
      // dates or retry counts, so those attributes are left out.
      std::string message = safe_text(o.error);
      if (o.export_error) {
        out_.indent(2).raw("<export-errordetail").attr("error-type", "export-error").raw(">\n");
        out_.indent(3).raw("<export-status>\n");
        out_.indent(4).raw("<cd-error>\n");
        out_.indent(5).raw("<error-code>export-error</error-code>\n");
        out_.indent(5).raw("<error-literal>").text(message).raw("</error-literal>\n");
        out_.indent(4).raw("</cd-error>\n");
        out_.indent(3).raw("</export-status>\n");
        out_.indent(2).raw("</export-errordetail>\n");
      } else {
        out_.indent(2).raw("<import-errordetail").attr("error-type", "sync-rule-error").raw(">\n");
        out_.indent(3).raw("<import-status>\n");
        out_.indent(4).raw("<error-literal>").text(message).raw("</error-literal>\n");
        out_.indent(3).raw("</import-status>\n");
        out_.indent(2).raw("</import-errordetail>\n");
      }
    }
    if (sections_.base && o.mv != 0) {
      out_.indent(2).raw("<cs-mv-links>\n");
      out_.indent(3).raw("<cs-mv-value").attr("mv-object-id", format_cs_object_guid(o.mv)).raw("/>\n");
      out_.indent(2).raw("</cs-mv-links>\n");
    }
    out_.indent(1).raw("</cs-object>\n");
  }

 private:
  static void apply(AttributeSet& set, const PendingChange& c) {
    switch (c.op) {
      case ValueOp::kReplace: set.set(c.id, c.values.to_list()); break;
      case ValueOp::kAdd:
        for (std::string_view v : c.values) set.add_value(c.id, std::string(v));
        break;
      case ValueOp::kDelete:
        if (c.values.empty()) {
          set.erase(c.id);
        } else {
          for (std::string_view v : c.values) set.remove_value(c.id, v);
        }
        break;
    }
  }

  static std::vector<ValueOut> plain(ValuesView values, const char* op = nullptr) {
    std::vector<ValueOut> out;
    out.reserve(values.size());
    for (std::string_view v : values) out.push_back(ValueOut{v, op});
    return out;
  }

  // The attribute changes turning `from` into `to`, MIM style: single-valued attributes are
  // added, replaced or deleted whole; multi-valued ones list the values added and deleted.
  std::vector<AttrOut> diff(const AttributeSet& from, const AttributeSet& to) const {
    std::vector<AttrOut> out;
    std::set<AttrId> ids;
    for (const AttrEntry a : from.items()) ids.insert(a.id);
    for (const AttrEntry a : to.items()) ids.insert(a.id);
    for (AttrId id : ids) {
      const ValuesView old_values = from.get(id);
      const ValuesView new_values = to.get(id);
      if (old_values && new_values && old_values == new_values) continue;
      if (!old_values) {
        out.push_back(AttrOut{id, "add", plain(new_values)});
      } else if (!new_values) {
        out.push_back(AttrOut{id, "delete", plain(old_values)});
      } else if (!attrs_.info(id).multi_valued) {
        out.push_back(AttrOut{id, "replace", plain(new_values)});
      } else {
        AttrOut a{id, "update", {}};
        std::set<std::string_view> have(old_values.begin(), old_values.end());
        std::set<std::string_view> want(new_values.begin(), new_values.end());
        for (std::string_view v : new_values)
          if (!have.count(v)) a.values.push_back(ValueOut{v, "add"});
        for (std::string_view v : old_values)
          if (!want.count(v)) a.values.push_back(ValueOut{v, "delete"});
        if (!a.values.empty()) out.push_back(std::move(a));
      }
    }
    return out;
  }

  void export_delta(const CsObject& o, CsSetsView& sets) {
    const PendingExport& pe = o.pending_export;
    const PendingChanges& pending = sets.pending_changes();  // thawed once for the object
    std::vector<AttrOut> changes;
    switch (pe.kind) {
      case PendingExportKind::kAdd:
        for (const PendingChange c : pending)
          if (!c.values.empty()) changes.push_back(AttrOut{c.id, nullptr, plain(c.values)});
        delta("add", o.dn, o, changes);
        return;
      case PendingExportKind::kDelete: delta("delete", o.dn, o, changes); return;
      default: break;
    }
    // An update: the changes of one attribute (an add and a delete of values) become one
    // <attr>; its operation depends on what the directory holds as far as we know.
    for (size_t i = 0; i < pending.size();) {
      AttrId id = pending[i].id;
      size_t end = i;
      while (end < pending.size() && pending[end].id == id) ++end;
      ValuesView base = sets.unconfirmed().get(id);
      if (!base) base = sets.imported().get(id);
      size_t base_count = base.size();
      AttrOut a{id, nullptr, {}};
      bool replace = false;
      size_t adds = 0, deletes = 0;
      for (size_t k = i; k < end; ++k) {
        const PendingChange c = pending[k];
        if (c.op == ValueOp::kReplace) {
          replace = true;
          a.values = plain(c.values);
        } else if (c.op == ValueOp::kDelete && c.values.empty() && base) {
          for (const ValueOut& v : plain(base, "delete")) a.values.push_back(v);
          deletes += base_count;
        } else {
          const char* op = c.op == ValueOp::kAdd ? "add" : "delete";
          for (const ValueOut& v : plain(c.values, op)) a.values.push_back(v);
          (c.op == ValueOp::kAdd ? adds : deletes) += c.values.size();
        }
      }
      i = end;
      if (replace) {
        if (a.values.empty()) {  // replace with nothing: the attribute goes
          if (base.empty()) continue;
          a.op = "delete";
          a.values = plain(base);
        } else {
          a.op = base_count == 0 ? "add" : "replace";
        }
      } else if (deletes == 0 && base_count == 0) {
        a.op = "add";
        for (ValueOut& v : a.values) v.op = nullptr;
      } else if (adds == 0 && deletes >= base_count) {
        a.op = "delete";
        for (ValueOut& v : a.values) v.op = nullptr;
      } else {
        a.op = "update";
      }
      if (!a.values.empty()) changes.push_back(std::move(a));
    }
    // A rename shows as MIM shows it: the delta carries the new DN, <cs-object cs-dn> the old.
    delta("update", pe.new_dn.empty() ? o.dn : pe.new_dn, o, changes);
  }

  void import_delta(const CsObject& o, CsSetsView& sets) {
    std::vector<AttrOut> changes;
    switch (o.pending_import) {
      case PendingImportKind::kAdd:
      case PendingImportKind::kDeleteAdd:
        for (const AttrEntry a : sets.import_state().items()) changes.push_back(AttrOut{a.id, nullptr, plain(a.values)});
        delta(o.pending_import == PendingImportKind::kAdd ? "add" : "delete-add",
              o.import_dn.empty() ? o.dn : o.import_dn, o, changes);
        return;
      case PendingImportKind::kDelete: delta("delete", o.dn, o, changes); return;
      default:
        changes = diff(sets.hologram(), sets.import_state());
        delta("update", o.import_dn.empty() ? o.dn : o.import_dn, o, changes);
        return;
    }
  }

  void delta(const char* operation, std::string_view dn, const CsObject& o, std::vector<AttrOut>& changes) {
    out_.indent(3).raw("<delta").attr("operation", operation).attr("dn", safe_dn(dn)).raw(">\n");
    header(4, o);
    attributes(4, changes);
    out_.indent(3).raw("</delta>\n");
  }

  void entry(std::string_view dn, const CsObject& o, const AttributeSet& set) {
    std::vector<AttrOut> list;
    list.reserve(set.size());
    for (const AttrEntry a : set.items()) list.push_back(AttrOut{a.id, nullptr, plain(a.values)});
    out_.indent(3).raw("<entry").attr("dn", safe_dn(dn)).raw(">\n");
    header(4, o);
    attributes(4, list);
    out_.indent(3).raw("</entry>\n");
  }

  void header(int depth, const CsObject& o) {
    if (!o.anchor.empty())
      out_.indent(depth).raw("<anchor encoding=\"base64\">").raw(base64_encode(o.anchor)).raw("</anchor>\n");
    if (!o.object_type.empty())
      out_.indent(depth).raw("<primary-objectclass>").text(safe_text(o.object_type)).raw("</primary-objectclass>\n");
  }

  void attributes(int depth, std::vector<AttrOut>& list) {
    // By name, as MIM lists them; the store keeps ids in interning order.
    std::sort(list.begin(), list.end(), [&](const AttrOut& a, const AttrOut& b) {
      return to_lower_ascii(attrs_.info(a.id).name) < to_lower_ascii(attrs_.info(b.id).name);
    });
    for (const AttrOut& a : list) attribute(depth, a);
  }

  void attribute(int depth, const AttrOut& a) {
    const AttrInfo& info = attrs_.info(a.id);
    bool reference = info.type == AttrType::kReference;
    out_.indent(depth).raw(reference ? "<dn-attr" : "<attr").attr("name", safe_text(info.name));
    if (!reference) out_.attr("type", type_name(info.type));
    out_.attr("multivalued", info.multi_valued ? "true" : "false");
    if (a.op) out_.attr("operation", a.op);
    out_.raw(">\n");
    for (const ValueOut& v : a.values) {
      if (reference) {
        out_.indent(depth + 1).raw("<dn-value");
        if (v.op) out_.attr("operation", v.op);
        out_.raw(">\n");
        out_.indent(depth + 2).raw("<dn>").text(safe_dn(v.value)).raw("</dn>\n");
        out_.indent(depth + 1).raw("</dn-value>\n");
        continue;
      }
      out_.indent(depth + 1).raw("<value");
      if (v.op) out_.attr("operation", v.op);
      if (info.type == AttrType::kBinary || !xml_safe(v.value)) {
        out_.attr("encoding", "base64").raw(">").raw(base64_encode(v.value));
      } else if (info.type == AttrType::kBoolean) {
        out_.raw(">").text(to_lower_ascii(v.value));  // MIM writes true / false
      } else {
        out_.raw(">").text(v.value);
      }
      out_.raw("</value>\n");
    }
    out_.indent(depth).raw(reference ? "</dn-attr>\n" : "</attr>\n");
  }

  XmlOut& out_;
  const AttributeTable& attrs_;
  const CsExportSections& sections_;
};

bool rdn_matches(std::string_view dn, const std::string& wanted_norm) {
  auto n = normalize_dn(rdn(dn));
  return n.ok() && *n == wanted_norm;
}

bool selected(const CsObject& o, const CsExportFilter& f, const std::string& rdn_norm) {
  switch (f.kind) {
    case CsExportFilterKind::kRdn: return rdn_matches(o.dn, rdn_norm);
    case CsExportFilterKind::kDisconnectors: return o.mv == 0 && !o.placeholder;
    case CsExportFilterKind::kImportErrors: return !o.error.empty() && !o.export_error;
    case CsExportFilterKind::kExportErrors: return o.export_error;
    case CsExportFilterKind::kPendingImports: return o.pending_import != PendingImportKind::kNone;
    case CsExportFilterKind::kPendingExports: return !o.pending_export.empty();
    default: return true;
  }
}

std::string errno_text(int err) { return err == 0 ? "unknown error" : std::strerror(err); }

std::string unquote(std::string_view s) {
  if (s.size() >= 2 && ((s.front() == '"' && s.back() == '"') || (s.front() == '\'' && s.back() == '\'')))
    s = s.substr(1, s.size() - 2);
  return std::string(s);
}

}  // namespace

std::string format_cs_object_guid(uint64_t id) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "{00000000-0000-0000-%04X-%012llX}", static_cast<unsigned>(id >> 48),
                static_cast<unsigned long long>(id & 0xFFFFFFFFFFFFull));
  return buf;
}

uint64_t parse_cs_object_guid(std::string_view text) {
  if (text.empty()) return 0;
  if (std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (text.size() > 19) return 0;
    return std::stoull(std::string(text));
  }
  if (text.front() == '{' && text.back() == '}') text = text.substr(1, text.size() - 2);
  if (text.size() != 36 || text.substr(0, 19) != "00000000-0000-0000-" || text[23] != '-') return 0;
  std::string hex = std::string(text.substr(19, 4)) + std::string(text.substr(24));
  uint64_t id = 0;
  for (char c : hex) {
    int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (v < 0) return 0;
    id = (id << 4) | static_cast<uint64_t>(v);
  }
  return id;
}

Result<CsExportFilter> parse_csexport_filter(std::string_view text) {
  CsExportFilter f;
  if (text.size() == 1) {
    switch (text[0]) {
      case 's': f.kind = CsExportFilterKind::kDisconnectors; return f;
      case 'i': f.kind = CsExportFilterKind::kImportErrors; return f;
      case 'e': f.kind = CsExportFilterKind::kExportErrors; return f;
      case 'm': f.kind = CsExportFilterKind::kPendingImports; return f;
      case 'x': f.kind = CsExportFilterKind::kPendingExports; return f;
      default: break;
    }
  } else if (text.size() >= 2 && text[1] == '=') {
    f.value = unquote(text.substr(2));
    switch (text[0]) {
      case 'd': f.kind = CsExportFilterKind::kDn; break;
      case 'r': f.kind = CsExportFilterKind::kRdn; break;
      case 'g': f.kind = CsExportFilterKind::kGuid; break;
      default: f.kind = CsExportFilterKind::kAll; break;
    }
    if (f.kind != CsExportFilterKind::kAll) {
      if (f.value.empty())
        return Status::Error(ErrorCode::kInvalidArgument, "filter /f:" + std::string(text) + " has an empty value");
      return f;
    }
  }
  return Status::Error(ErrorCode::kInvalidArgument,
                       "unknown filter /f:" + std::string(text) +
                           "; use one of d=\"DN\", r=\"rdn\", g=\"guid\", s (disconnectors), i (import errors), "
                           "e (export errors), m (pending imports), x (pending exports)");
}

Result<CsExportSections> parse_csexport_sections(std::string_view letters) {
  CsExportSections s{false, false, false, false, false};
  if (letters.empty())
    return Status::Error(ErrorCode::kInvalidArgument, "/o: needs letters: any of e, b, h, d, p");
  for (char c : letters) {
    switch (c) {
      case 'e': s.errors = true; break;
      case 'b': s.base = true; break;
      case 'h': s.holograms = true; break;
      case 'd': s.deltas = true; break;
      case 'p': s.pending_imports = true; break;
      default:
        return Status::Error(ErrorCode::kInvalidArgument,
                             std::string("unknown output option '") + c + "' in /o:" + std::string(letters) +
                                 "; use any of e (errors), b (connector state), h (holograms), d (export deltas), "
                                 "p (pending imports)");
    }
  }
  return s;
}

Result<CsExportStats> csexport(const CsExportRequest& request) {
  namespace fs = std::filesystem;
  const std::string& file = request.file;
  if (file.empty()) return Status::Error(ErrorCode::kInvalidArgument, "csexport needs a file name to write");
  std::error_code ec;
  if (fs::exists(fs::symlink_status(file, ec)) || fs::is_symlink(fs::symlink_status(file, ec))) {
    return Status::Error(ErrorCode::kIoError, "file " + file +
                                                  " already exists; csexport never overwrites a file: choose "
                                                  "another name or remove it first");
  }
  auto store = Store::open(request.store_path, OpenMode::kReadOnly);
  if (!store.ok()) return store.status();
  Store& st = **store;
  AttributeTable attrs;
  IDSYNC_RETURN_IF_ERROR(st.load_attributes(attrs));
  auto rows = st.load_connectors();
  if (!rows.ok()) return rows.status();
  const ConnectorRow* connector = nullptr;
  for (const ConnectorRow& r : *rows)
    if (iequals(r.name, request.connector)) connector = &r;
  if (connector == nullptr)
    return Status::Error(ErrorCode::kNotFound, "no connector named '" + request.connector +
                                                   "'; `idsync connector list` shows the configured ones");

  std::string rdn_norm;
  const CsExportFilter& filter = request.filter;
  if (filter.kind == CsExportFilterKind::kRdn) {
    auto n = normalize_dn(filter.value);
    if (!n.ok()) return Status::Error(ErrorCode::kInvalidArgument, "filter r=\"" + filter.value + "\": " + n.status().message());
    rdn_norm = *n;
  }
  uint64_t guid_id = 0;
  if (filter.kind == CsExportFilterKind::kGuid) {
    guid_id = parse_cs_object_guid(filter.value);
    if (guid_id == 0)
      return Status::Error(ErrorCode::kInvalidArgument,
                           "filter g=\"" + filter.value + "\" is not an object id: give the id attribute of a "
                           "<cs-object> ({00000000-0000-0000-...}) or the decimal connector space object id");
  }

  // 0600 whatever the umask: the export holds directory data (idsync/private_file.h).
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kPrivateFileMode);
  if (fd < 0) {
    int err = errno;
    if (err == EEXIST)
      return Status::Error(ErrorCode::kIoError, "file " + file + " already exists; csexport never overwrites a file: "
                                                                 "choose another name or remove it first");
    return Status::Error(ErrorCode::kIoError, "cannot create " + file + ": " + errno_text(err) +
                                                  "; check that its folder exists and is writable");
  }
  std::FILE* f = ::fdopen(fd, "wb");
  if (f == nullptr) {
    ::close(fd);
    ::unlink(file.c_str());
    return Status::Error(ErrorCode::kIoError, "cannot write " + file + ": " + errno_text(errno));
  }
  auto fail = [&](Status s) -> Result<CsExportStats> {
    std::fclose(f);
    ::unlink(file.c_str());  // our own partial file: never leave half a document behind
    return s.with_context("csexport of connector '" + connector->name + "' to " + file);
  };

  CsExportStats stats;
  XmlOut out(f);
  Writer writer(out, attrs, request.sections);
  out.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<cs-objects>\n");
  auto write_one = [&](const CsObject& o) -> Status {
    ++stats.examined;
    if (o.connector != connector->id || !selected(o, filter, rdn_norm)) return Status::Ok();
    writer.object(o);
    ++stats.written;
    if (!out.ok()) return Status::Error(ErrorCode::kIoError, "write failed: " + errno_text(out.errno_value()));
    return Status::Ok();
  };

  Status s;
  if (filter.kind == CsExportFilterKind::kDn) {
    // An indexed lookup: by DN, else by anchor (base64 as csexport writes it, else raw).
    auto found = st.find_cs_by_dn(connector->id, filter.value);
    if (!found.ok() && found.status().code() == ErrorCode::kInvalidArgument)
      found = std::optional<CsObject>();  // not a DN: it may still be an anchor
    if (found.ok() && !found->has_value()) {
      if (auto raw = base64_decode(filter.value); raw && !raw->empty()) found = st.find_cs_by_anchor(connector->id, *raw);
      if (found.ok() && !found->has_value()) found = st.find_cs_by_anchor(connector->id, filter.value);
    }
    s = found.ok() ? (found->has_value() ? write_one(**found) : Status::Ok()) : found.status();
  } else if (filter.kind == CsExportFilterKind::kGuid) {
    auto found = st.find_cs_by_id(guid_id);
    s = found.ok() ? (found->has_value() ? write_one(**found) : Status::Ok()) : found.status();
  } else {
    s = st.load_cs(connector->id, [&](CsObject&& o) { return write_one(o); });
  }
  if (!s.ok()) return fail(s);
  out.raw("</cs-objects>\n");
  if (!out.finish()) return fail(Status::Error(ErrorCode::kIoError, "write failed: " + errno_text(out.errno_value())));
  if (std::fclose(f) != 0) {
    int err = errno;
    ::unlink(file.c_str());
    return Status::Error(ErrorCode::kIoError, "csexport of connector '" + connector->name + "': closing " + file +
                                                  " failed: " + errno_text(err) + "; the file was removed");
  }
  return stats;
}

}  // namespace idsync
