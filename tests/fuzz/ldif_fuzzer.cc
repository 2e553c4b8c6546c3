// libFuzzer target: the LDIF reader (RFC 2849) over arbitrary bytes, and the writer/reader round
// trip of whatever it accepted. Beyond "no crash, no sanitizer report", the property checked is
// that every record the reader accepts, written back by LdifWriter, reads back identical: an
// export must never produce a file that a later import misreads.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "idsync/file/ldif.h"

namespace {

using idsync::Attribute;
using idsync::AttributeChange;
using idsync::EntryChange;
using idsync::file::LdifReader;
using idsync::file::LdifRecord;
using idsync::file::LdifWriter;

bool same_attributes(const std::vector<Attribute>& a, const std::vector<Attribute>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || a[i].values != b[i].values) return false;
  return true;
}

bool same_changes(const std::vector<AttributeChange>& a, const std::vector<AttributeChange>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || a[i].op != b[i].op || a[i].values != b[i].values) return false;
  return true;
}

// Writes one record and reads it back; aborts when the result differs from `r`.
void round_trip(const LdifRecord& r) {
  std::stringstream out;
  LdifWriter writer(out, false);
  idsync::Status written = r.is_change ? writer.write_change(r.change) : writer.write_entry(r.entry);
  if (!written.ok()) return;  // the writer refused it with a clear error: fine
  std::string text = out.str();
  if (text.empty()) return;  // an empty modify writes nothing
  std::istringstream in(text);
  LdifReader reader(in, "round-trip");
  std::vector<LdifRecord> back;
  for (;;) {
    LdifRecord rec;
    auto more = reader.next(rec);
    if (!more.ok()) std::abort();  // the writer produced text the reader rejects
    if (!*more) break;
    back.push_back(std::move(rec));
  }
  if (back.empty()) std::abort();
  const LdifRecord& b = back.front();
  if (b.is_change != r.is_change) std::abort();
  if (!r.is_change) {
    if (back.size() != 1 || b.entry.dn != r.entry.dn || b.entry.object_type != r.entry.object_type ||
        !same_attributes(b.entry.attributes, r.entry.attributes))
      std::abort();
    return;
  }
  const EntryChange& c = r.change;
  if (b.change.kind != c.kind || b.change.dn != c.dn) std::abort();
  if (c.kind == idsync::ChangeKind::kAdd && !same_attributes(b.change.attributes, c.attributes)) std::abort();
  if (c.kind == idsync::ChangeKind::kModify && !same_changes(b.change.changes, c.changes)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16384) return 0;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  LdifReader reader(in, "fuzz.ldif");
  for (int n = 0; n < 1000; ++n) {
    LdifRecord record;
    auto more = reader.next(record);
    if (!more.ok()) {
      // After an error the reader is finished and repeats the same error.
      LdifRecord again;
      auto second = reader.next(again);
      if (second.ok() || second.status().message() != more.status().message()) std::abort();
      return 0;
    }
    if (!*more) return 0;
    round_trip(record);
  }
  return 0;
}
