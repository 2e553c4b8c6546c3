#include "sync/packed_outcomes.h"

#include <algorithm>
#include <cstdint>

namespace idsync {

namespace {

void put_varint(char*& out, uint64_t v) {
  while (v >= 0x80) {
    *out++ = static_cast<char>(static_cast<uint8_t>(v) | 0x80);
    v >>= 7;
  }
  *out++ = static_cast<char>(v);
}

size_t varint_size(uint64_t v) {
  size_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}

uint64_t get_varint(std::string_view in, size_t& pos) {
  uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    const auto b = static_cast<uint8_t>(in[pos++]);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
}

}  // namespace

PackedOutcomes::PackedOutcomes(const std::vector<FlowOutcome>& outcomes) {
  size_t size = varint_size(outcomes.size());
  for (const FlowOutcome& o : outcomes) {
    size += 1 + varint_size(o.values.size());
    for (const std::string& v : o.values) size += varint_size(v.size()) + v.size();
  }
  bytes_ = std::make_unique_for_overwrite<char[]>(size);  // one exact allocation per object
  size_ = size;
  char* out = bytes_.get();
  put_varint(out, outcomes.size());
  for (const FlowOutcome& o : outcomes) {
    *out++ = static_cast<char>(o.kind);
    put_varint(out, o.values.size());
    for (const std::string& v : o.values) {
      put_varint(out, v.size());
      out = std::copy(v.begin(), v.end(), out);
    }
  }
}

void PackedOutcomes::unpack(std::vector<FlowOutcome>& out) const {
  out.clear();
  if (size_ == 0) return;
  const std::string_view in(bytes_.get(), size_);
  size_t pos = 0;
  out.resize(get_varint(in, pos));
  for (FlowOutcome& o : out) {
    o.kind = static_cast<FlowOutcome::Kind>(static_cast<uint8_t>(in[pos++]));
    o.values.resize(get_varint(in, pos));
    for (std::string& v : o.values) {
      const size_t n = get_varint(in, pos);
      v.assign(in.substr(pos, n));
      pos += n;
    }
  }
}

}  // namespace idsync
