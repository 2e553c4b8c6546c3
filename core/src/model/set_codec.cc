#include "model/set_codec.h"

// The fastCover trainer with fixed parameters (part of libzstd's exported API, declared under
// ZDICT_STATIC_LINKING_ONLY): ZDICT_trainFromBuffer searches k and d over several runs, about
// 4x the time for a dictionary within a few percent of this one on our sets.
#define ZDICT_STATIC_LINKING_ONLY
#include <zdict.h>
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace idsync {

namespace {

constexpr int kLevel = 1;  // level 3 gains ~8% more for ~2x the compression time

// One compression and one decompression context per thread, shared by every codec (a codec
// is referenced per call, which costs nothing next to the frame itself).
struct ThreadContexts {
  ZSTD_CCtx* c = nullptr;
  ZSTD_DCtx* d = nullptr;
  ThreadContexts() = default;
  ThreadContexts(const ThreadContexts&) = delete;
  ThreadContexts& operator=(const ThreadContexts&) = delete;
  ~ThreadContexts() {
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
  }
  ZSTD_CCtx* compressor() {
    if (c == nullptr) c = ZSTD_createCCtx();
    if (c == nullptr) std::abort();  // out of memory
    return c;
  }
  ZSTD_DCtx* decompressor() {
    if (d == nullptr) d = ZSTD_createDCtx();
    if (d == nullptr) std::abort();
    return d;
  }
};

ThreadContexts& contexts() {
  thread_local ThreadContexts t;
  return t;
}

[[noreturn]] void fail(const char* what, size_t code) {
  std::fprintf(stderr, "idsync: cold attribute set %s failed (%s): memory is damaged; stopping\n", what,
               ZSTD_isError(code) ? ZSTD_getErrorName(code) : "wrong size");
  std::abort();
}

}  // namespace

SetCodec::~SetCodec() {
  ZSTD_freeCDict(cdict_);
  ZSTD_freeDDict(ddict_);
}

std::unique_ptr<SetCodec> SetCodec::make(std::string dictionary) {
  std::unique_ptr<SetCodec> codec(new SetCodec());
  codec->dictionary_ = std::move(dictionary);
  if (!codec->dictionary_.empty()) {
    codec->cdict_ = ZSTD_createCDict(codec->dictionary_.data(), codec->dictionary_.size(), kLevel);
    codec->ddict_ = ZSTD_createDDict(codec->dictionary_.data(), codec->dictionary_.size());
    if (codec->cdict_ == nullptr || codec->ddict_ == nullptr) return nullptr;
  }
  return codec;
}

double SetCodec::measure(const std::vector<std::string_view>& samples) const {
  size_t raw = 0, packed = 0;
  std::string out;
  for (std::string_view s : samples) {
    compress(s, out);
    raw += s.size();
    packed += out.size();
  }
  return packed == 0 ? 0 : static_cast<double>(raw) / static_cast<double>(packed);
}

std::unique_ptr<SetCodec> SetCodec::train(const std::vector<std::string_view>& samples) {
  size_t total = 0;
  for (std::string_view s : samples) total += s.size();
  if (samples.empty() || total == 0) return nullptr;
  // A dictionary wants ~20x its size in samples; below a few KiB it is not worth training.
  const size_t capacity = std::min(kMaxDictionaryBytes, total / 20);
  if (samples.size() >= 16 && capacity >= 1024) {
    std::string joined;
    joined.reserve(total);
    std::vector<size_t> sizes;
    sizes.reserve(samples.size());
    for (std::string_view s : samples) {
      joined.append(s);
      sizes.push_back(s.size());
    }
    std::string dictionary(capacity, '\0');
    ZDICT_fastCover_params_t params{};
    params.k = 200;  // segment size: about a third of a typical set
    params.d = 8;
    params.f = 20;
    params.accel = 2;
    params.splitPoint = 1.0;
    params.zParams.compressionLevel = kLevel;
    const size_t n = ZDICT_trainFromBuffer_fastCover(dictionary.data(), dictionary.size(), joined.data(), sizes.data(),
                                                     static_cast<unsigned>(sizes.size()), params);
    if (!ZDICT_isError(n)) {
      dictionary.resize(n);
      if (auto codec = make(std::move(dictionary))) {
        codec->sample_gain_ = codec->measure(samples);
        if (codec->sample_gain_ >= kMinGain) return codec;
      }
    }
  }
  auto plain = make({});
  if (plain == nullptr) return nullptr;
  plain->sample_gain_ = plain->measure(samples);
  return plain->sample_gain_ >= kMinGain ? std::move(plain) : nullptr;
}

void SetCodec::compress(std::string_view raw, std::string& out) const {
  ZSTD_CCtx* c = contexts().compressor();
  ZSTD_CCtx_reset(c, ZSTD_reset_session_and_parameters);
  if (cdict_ != nullptr) {
    ZSTD_CCtx_refCDict(c, cdict_);  // the level comes with the digested dictionary
  } else {
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, kLevel);
  }
  ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 0);
  ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0);
  ZSTD_CCtx_setParameter(c, ZSTD_c_dictIDFlag, 0);
  out.resize(ZSTD_compressBound(raw.size()));
  const size_t n = ZSTD_compress2(c, out.data(), out.size(), raw.data(), raw.size());
  if (ZSTD_isError(n)) fail("compression", n);  // only with too small a buffer: a bug
  out.resize(n);
}

void SetCodec::decompress(std::string_view packed, char* out, size_t raw_size) const {
  ZSTD_DCtx* d = contexts().decompressor();
  const size_t n = ddict_ != nullptr
                       ? ZSTD_decompress_usingDDict(d, out, raw_size, packed.data(), packed.size(), ddict_)
                       : ZSTD_decompressDCtx(d, out, raw_size, packed.data(), packed.size());
  if (ZSTD_isError(n) || n != raw_size) fail("decompression", n);
}

size_t SetCodec::heap_bytes() const {
  return dictionary_.capacity() + (cdict_ ? ZSTD_sizeof_CDict(cdict_) : 0) + (ddict_ ? ZSTD_sizeof_DDict(ddict_) : 0);
}

}  // namespace idsync
