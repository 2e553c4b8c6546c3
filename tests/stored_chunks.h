// The chunks of an encoded body as the store hands them back to a decode (model/objects.h
// layout 2), for the tests of the chunked encoding in more than one test binary.
#pragma once

#include <algorithm>

#include "model/objects.h"

namespace idsync {

inline StoredChunks stored(const EncodedBody& body) {
  StoredChunks chunks;
  for (const ValueChunk& c : body.chunks) {
    chunks.refs.push_back(c.hash);
    chunks.data.emplace_back(c.hash, c.data);
  }
  std::sort(chunks.data.begin(), chunks.data.end());
  return chunks;
}

}  // namespace idsync
