// Runs a producer (e.g. an LDIF parse) on its own thread, a bounded number of items ahead of
// the consumer, so reading a file overlaps with what the caller does with each item (staging
// it on import) on a 2-core machine.
//
// Contract:
// - Items come out in exactly the order the producer made them; the last call to next()
//   returns what the producer returned when it stopped: false at the end, or its error, after
//   every item made before that error (the same sequence a plain loop over the producer
//   gives, so errors still name the record where they occurred).
// - At most `max_batches` batches of `batch_size` items are buffered: memory stays bounded
//   however large the file.
// - The destructor stops the producer (at its next item) and joins the thread, so a consumer
//   that gives up early (an error of its own) never leaves a thread behind or blocks forever.
// - `produce(T&)` runs only on the read-ahead thread and must not touch state the consumer
//   uses; everything it captures must outlive the ReadAhead.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "idsync/status.h"

namespace idsync::file {

template <typename T>
class ReadAhead {
 public:
  using Producer = std::function<Result<bool>(T&)>;

  explicit ReadAhead(Producer produce, size_t batch_size = 256, size_t max_batches = 8)
      : produce_(std::move(produce)), batch_size_(batch_size), max_batches_(max_batches) {
    thread_ = std::thread([this] { run(); });
  }
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  ~ReadAhead() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    space_.notify_all();
    thread_.join();
  }

  // The next item into `out`: true, false at the end, or the producer's error.
  Result<bool> next(T& out) {
    while (current_pos_ >= current_.items.size()) {
      if (current_.last) return current_.end;
      Batch b;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [this] { return !queue_.empty(); });
        b = std::move(queue_.front());
        queue_.pop_front();
      }
      space_.notify_one();
      current_ = std::move(b);
      current_pos_ = 0;
    }
    out = std::move(current_.items[current_pos_++]);
    return true;
  }

 private:
  struct Batch {
    std::vector<T> items;
    bool last = false;           // the producer stopped after these items
    Result<bool> end = false;    // what it returned then
  };

  void run() {
    bool done = false;
    while (!done) {
      Batch b;
      b.items.reserve(batch_size_);
      while (b.items.size() < batch_size_) {
        T item{};
        Result<bool> more = false;
        if (stopping()) {
          more = Status::Error(ErrorCode::kStopped, "read-ahead stopped");
        } else {
          more = produce_(item);
        }
        if (!more.ok() || !*more) {
          b.last = true;
          b.end = std::move(more);
          done = true;
          break;
        }
        b.items.push_back(std::move(item));
      }
      {
        std::unique_lock<std::mutex> lock(mutex_);
        space_.wait(lock, [this] { return stop_ || queue_.size() < max_batches_; });
        if (stop_) return;  // nobody reads any more
        queue_.push_back(std::move(b));
      }
      ready_.notify_one();
    }
  }

  bool stopping() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stop_;
  }

  Producer produce_;
  const size_t batch_size_;
  const size_t max_batches_;

  std::mutex mutex_;
  std::condition_variable ready_;  // a batch was queued
  std::condition_variable space_;  // a batch was taken, or stop
  std::deque<Batch> queue_;
  bool stop_ = false;

  Batch current_;  // consumer side only
  size_t current_pos_ = 0;

  std::thread thread_;  // last: starts after every member above exists
};

}  // namespace idsync::file
