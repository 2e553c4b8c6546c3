// SetCodec: the compression of one connector space's cold attribute sets (model/cold_set.h):
// zstd at level 1 with a dictionary trained from a sample of that space's own sets (issue 5:
// the sets of one directory share attribute ids, offsets and most value prefixes, so a small
// dictionary makes a 500-byte set compress ~2.5x where zstd alone barely gains).
//
// Frames carry no checksum, no dictionary id and no content size: the cold block keeps the
// raw size itself. Thread safety: a codec is immutable once trained; compress and decompress
// may run on many threads at once (each thread has its own zstd contexts). A codec must
// outlive every cold set that points at it (ConnectorSpace declares it before its objects).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct ZSTD_CDict_s;
struct ZSTD_DDict_s;

namespace idsync {

class SetCodec {
 public:
  // A codec only when compressing gains at least this much over the samples (else the sets
  // stay plain: not worth a decompression on every read).
  static constexpr double kMinGain = 1.3;
  static constexpr size_t kMaxDictionaryBytes = 110 * 1024;

  // Trains a codec from `samples` (raw set blocks). Tries a dictionary first, then plain
  // zstd; null when neither gains kMinGain (too few or too random samples). Never fails
  // otherwise: a training error just means no dictionary.
  static std::unique_ptr<SetCodec> train(const std::vector<std::string_view>& samples);

  SetCodec(const SetCodec&) = delete;
  SetCodec& operator=(const SetCodec&) = delete;
  ~SetCodec();

  // Compresses `raw` into `out` (replacing its contents).
  void compress(std::string_view raw, std::string& out) const;
  // Decompresses `packed` into `out`, which must be exactly `raw_size` bytes. Aborts the
  // process with a message when the frame does not decompress to exactly that size: the
  // bytes are our own memory, so that is memory corruption, and going on would hand out
  // garbage as directory data.
  void decompress(std::string_view packed, char* out, size_t raw_size) const;

  bool has_dictionary() const { return !dictionary_.empty(); }
  size_t dictionary_bytes() const { return dictionary_.size(); }
  // Heap the codec holds (dictionary and the digested zstd dictionaries).
  size_t heap_bytes() const;
  // Raw bytes / compressed bytes over the training samples.
  double sample_gain() const { return sample_gain_; }

 private:
  SetCodec() = default;
  static std::unique_ptr<SetCodec> make(std::string dictionary);
  double measure(const std::vector<std::string_view>& samples) const;

  std::string dictionary_;
  ZSTD_CDict_s* cdict_ = nullptr;
  ZSTD_DDict_s* ddict_ = nullptr;
  double sample_gain_ = 0;
};

}  // namespace idsync
