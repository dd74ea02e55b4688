// A persistent thread pool for the engine's two parallel phases per step. Workers spin for a
// short while after each job (the next phase, or the next step after a few microseconds of JS,
// usually arrives within it) and then sleep on a condition variable, so an idle trainer costs
// no CPU -- unlike OpenMP's default, which spins for ~200 ms after every parallel region.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DISTILLERY_PAUSE() _mm_pause()
#else
#define DISTILLERY_PAUSE() ((void)0)
#endif

class ThreadPool {
 public:
  /** n workers in all, the calling thread included; spinUs: how long an idle worker spins before it sleeps. */
  ThreadPool(int n, int spinUs) : n_(n < 1 ? 1 : n > 1024 ? 1024 : n), spin_(std::chrono::microseconds(spinUs)) {
    for (int i = 1; i < n_; i++) threads_.emplace_back([this, i] { loop(i); });
  }

  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
      gen_.store(((gen_.load(std::memory_order_relaxed) >> 16) + 1) << 16, std::memory_order_release);
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
  }

  int size() const { return n_; }

  /**
   * Runs f(t) for t = 0..active-1 (all workers when active <= 0), t = 0 on the calling thread;
   * returns when they are done. Workers past `active` are not waited for.
   */
  template <class F>
  void run(F& f, int active = 0) {
    const int n = active <= 0 || active > n_ ? n_ : active;
    if (n == 1) {
      f(0);
      return;
    }
    job_ = &f;
    call_ = [](void* p, int t) { (*static_cast<F*>(p))(t); };
    error_ = nullptr;
    pending_.store(n - 1, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> l(mu_);
      // The generation and the active count change together, so a worker that wakes late never
      // pairs one generation with another's count.
      gen_.store(((gen_.load(std::memory_order_relaxed) >> 16) + 1) << 16 | (uint64_t)n, std::memory_order_release);
    }
    wake_.notify_all();
    std::exception_ptr mine;
    try {
      f(0);
    } catch (...) {
      mine = std::current_exception();
    }
    if (!spinUntil([this] { return pending_.load(std::memory_order_acquire) == 0; })) {
      std::unique_lock<std::mutex> l(mu_);
      done_.wait(l, [this] { return pending_.load(std::memory_order_acquire) == 0; });
    }
    if (mine) std::rethrow_exception(mine);
    if (error_) std::rethrow_exception(error_);
  }

 private:
  template <class P>
  bool spinUntil(P ready) {
    if (ready()) return true;
    const auto deadline = std::chrono::steady_clock::now() + spin_;
    for (;;) {
      for (int i = 0; i < 64; i++) {
        if (ready()) return true;
        DISTILLERY_PAUSE();
      }
      if (std::chrono::steady_clock::now() >= deadline) return ready();
    }
  }

  void loop(int id) {
    uint64_t seen = 0;
    for (;;) {
      if (!spinUntil([&] { return gen_.load(std::memory_order_acquire) != seen; })) {
        std::unique_lock<std::mutex> l(mu_);
        wake_.wait(l, [&] { return gen_.load(std::memory_order_acquire) != seen; });
      }
      seen = gen_.load(std::memory_order_acquire);
      if (stop_) return;
      if (id >= (int)(seen & 0xffff)) continue;
      try {
        call_(job_, id);
      } catch (...) {
        std::lock_guard<std::mutex> l(mu_);
        if (!error_) error_ = std::current_exception();
      }
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> l(mu_);
        done_.notify_one();
      }
    }
  }

  const int n_;
  const std::chrono::microseconds spin_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::atomic<uint64_t> gen_{0};  // generation << 16 | workers active in it
  std::atomic<int> pending_{0};
  bool stop_ = false;
  void* job_ = nullptr;
  void (*call_)(void*, int) = nullptr;
  std::exception_ptr error_;
};
