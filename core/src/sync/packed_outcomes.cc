#include "sync/packed_outcomes.h"

#include <cstdint>

namespace idsync {

namespace {

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(static_cast<uint8_t>(v) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
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
  bytes_.reserve(size);  // one exact allocation: no doubling slack held per object
  put_varint(bytes_, outcomes.size());
  for (const FlowOutcome& o : outcomes) {
    bytes_.push_back(static_cast<char>(o.kind));
    put_varint(bytes_, o.values.size());
    for (const std::string& v : o.values) {
      put_varint(bytes_, v.size());
      bytes_.append(v);
    }
  }
}

void PackedOutcomes::unpack(std::vector<FlowOutcome>& out) const {
  out.clear();
  if (bytes_.empty()) return;
  const std::string_view in = bytes_;
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
