// The engine proper, free of N-API (engine.cc wraps it for Node): a sequential stack of dense /
// conv2d / maxpool2d layers trained with CE + soft-KD and Adam/AdamW/SGD, with tfjs's layouts
// and update rules so weights and optimizer state move between the two unchanged.
//
// A step runs in two parallel phases on the pool:
//   1. each thread takes a contiguous slice of the batch: gather, forward, loss, backward into
//      its own gradient buffer;
//   2. each thread takes a share of every parameter tensor's rows: sums the threads' gradients
//      in thread order (deterministic for a given thread count), applies the optimizer, and
//      refreshes the transposed copy of the weights that the next backward pass multiplies by.
// All buffers are sized once (grown when a larger batch first arrives), never per step.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>
#include "gemm.h"
#include "pool.h"

namespace distillery {

/** A 64-byte-aligned float buffer that only grows; zero-filled when (re)allocated, with a tail pad. */
template <class T>
class Buf {
 public:
  Buf() = default;
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  ~Buf() { std::free(p_); }
  void reserve(size_t n) {
    if (n <= n_) return;
    std::free(p_);
    const size_t bytes = ((n + 64) * sizeof(T) + 63) / 64 * 64;
    p_ = static_cast<T*>(std::aligned_alloc(64, bytes));
    if (!p_) throw std::bad_alloc();
    std::memset(p_, 0, bytes);
    n_ = n;
  }
  T* data() { return p_; }
  const T* data() const { return p_; }
  size_t size() const { return n_; }

 private:
  T* p_ = nullptr;
  size_t n_ = 0;
};

enum class Kind { Dense, Conv, Pool };

struct LayerSpec {
  std::string type;  // dense | conv2d | maxpool2d | flatten
  int units = 0, filters = 0;
  int kh = 1, kw = 1, sh = 1, sw = 1;
  bool same = false, relu = false, useBias = true;
};

struct Layer {
  Kind kind;
  bool relu = false;
  int inH = 1, inW = 1, inC = 1, inSize = 0;
  int outH = 1, outW = 1, outC = 1, outSize = 0;
  int kh = 1, kw = 1, sh = 1, sw = 1, padT = 0, padL = 0;
  int w = -1, b = -1;       // parameter indices
  bool inputGrad = false;   // some earlier layer has parameters
  long colK = 0;            // conv: kh*kw*inC
  int chunk = 1;            // conv: examples per block of the backward pass's column gradient
  bool direct = false;      // conv: 1x1, stride 1, so the input is its own im2col
  // conv: the image as read, [PH, PW, inC] -- a zero-bordered copy when the windows leave the
  // input ('same'), else the input itself -- and the implicit im2col matrix over it:
  // element (pixel p, tap k) of a block of images is at poff[p] + koff[k].
  bool padded = false;
  int PH = 0, PW = 0;
  long imgSize = 0;
  std::vector<int32_t> koff, poff;
};

struct Param {
  std::vector<int> shape;
  long size = 0, offset = 0;
  int rows = 0, cols = 0;   // a kernel as [fan-in, fan-out]; a bias as [size, 1]
  long wt = -1;             // offset of the transposed copy in `wt_`, or -1
};

struct Optimizer {
  enum Name { None, Adam, Sgd } name = None;
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7, weightDecay = 0, momentum = 0;
};

struct Loss {
  double ceWeight = 1, kdWeight = 0, temperature = 1;
};

struct StepResult {
  double total = 0, ce = 0, kd = 0;
  long correct = 0;
};

inline int outDim(int in, int k, int s, bool same) {
  return same ? (in + s - 1) / s : (in - k) / s + 1;
}
inline int padBefore(int in, int k, int s, bool same) {
  if (!same) return 0;
  const int out = (in + s - 1) / s;
  return std::max((out - 1) * s + k - in, 0) / 2;
}

class Trainer {
 public:
  /**
   * threads: the most threads a step or predict uses. minWorkPerThread: floating-point work
   * (FLOP) each thread must get before a step is split further -- smaller steps gain less from
   * another thread than the handoff and the gradient reduction cost, and on a loaded machine a
   * descheduled helper stalls the whole step.
   */
  Trainer(const std::vector<int>& inputShape, const std::vector<LayerSpec>& specs, int threads, int spinUs, double minWorkPerThread)
      : pool_(std::max(1, std::min(threads, 256)), spinUs), minWork_(std::max(0.0, minWorkPerThread)) {
    if (inputShape.size() != 1 && inputShape.size() != 3) throw std::invalid_argument("inputShape must be [features] or [height, width, channels]");
    for (int d : inputShape)
      if (d <= 0) throw std::invalid_argument("inputShape dimensions must be positive");
    int H = 1, W = 1, C = inputShape.back(), rank = (int)inputShape.size();
    if (rank == 3) { H = inputShape[0]; W = inputShape[1]; }
    inSize_ = H * W * C;
    bool seenParam = false;
    for (size_t i = 0; i < specs.size(); i++) {
      const LayerSpec& s = specs[i];
      const std::string where = "layer " + std::to_string(i + 1) + " (" + s.type + ")";
      if (s.type == "flatten") {
        C = H * W * C; H = W = 1; rank = 1;
        continue;
      }
      Layer L;
      L.inH = H; L.inW = W; L.inC = C; L.inSize = H * W * C;
      L.relu = s.relu;
      L.inputGrad = seenParam;
      if (s.type == "dense") {
        if (rank != 1) throw std::invalid_argument(where + ": needs a rank-1 input (flatten first)");
        if (s.units <= 0) throw std::invalid_argument(where + ": units must be positive");
        L.kind = Kind::Dense;
        L.outC = s.units;
        L.w = addParam({L.inSize, s.units}, L.inSize, s.units, seenParam);
        if (s.useBias) L.b = addParam({s.units}, s.units, 1, false);
        seenParam = true;
      } else if (s.type == "conv2d" || s.type == "maxpool2d") {
        if (rank != 3) throw std::invalid_argument(where + ": needs an image input [height, width, channels]");
        if (s.kh <= 0 || s.kw <= 0 || s.sh <= 0 || s.sw <= 0) throw std::invalid_argument(where + ": kernel/pool and stride must be positive");
        L.kh = s.kh; L.kw = s.kw; L.sh = s.sh; L.sw = s.sw;
        L.outH = outDim(H, s.kh, s.sh, s.same);
        L.outW = outDim(W, s.kw, s.sw, s.same);
        if (L.outH <= 0 || L.outW <= 0) throw std::invalid_argument(where + ": the window is larger than its " + std::to_string(H) + "x" + std::to_string(W) + " input");
        L.padT = padBefore(H, s.kh, s.sh, s.same);
        L.padL = padBefore(W, s.kw, s.sw, s.same);
        if (s.type == "conv2d") {
          if (s.filters <= 0) throw std::invalid_argument(where + ": filters must be positive");
          L.kind = Kind::Conv;
          L.outC = s.filters;
          L.colK = (long)s.kh * s.kw * C;
          L.direct = s.kh == 1 && s.kw == 1 && s.sh == 1 && s.sw == 1;
          // About 64K floats of column gradient per block: it stays in L2 until col2im reads it.
          L.chunk = (int)std::max<long>(1, 65536 / std::max<long>(1, (long)L.outH * L.outW * L.colK));
          const int needH = (L.outH - 1) * s.sh + s.kh, needW = (L.outW - 1) * s.sw + s.kw;
          L.padded = L.padT > 0 || L.padL > 0 || needH > H || needW > W;
          L.PH = L.padded ? std::max(needH, H + L.padT) : H;
          L.PW = L.padded ? std::max(needW, W + L.padL) : W;
          L.imgSize = (long)L.PH * L.PW * C;
          if ((long)L.chunk * L.imgSize >= (1L << 31)) throw std::invalid_argument(where + ": the input image is too large");
          for (int ky = 0; ky < s.kh; ky++)
            for (int kx = 0; kx < s.kw; kx++)
              for (int c = 0; c < C; c++) L.koff.push_back((int32_t)(((long)ky * L.PW + kx) * C + c));
          for (int e = 0; e < L.chunk; e++)
            for (int oy = 0; oy < L.outH; oy++)
              for (int ox = 0; ox < L.outW; ox++)
                L.poff.push_back((int32_t)(e * L.imgSize + ((long)oy * s.sh * L.PW + (long)ox * s.sw) * C));
          L.w = addParam({s.kh, s.kw, C, s.filters}, (int)L.colK, s.filters, seenParam);
          if (s.useBias) L.b = addParam({s.filters}, s.filters, 1, false);
          seenParam = true;
        } else {
          L.kind = Kind::Pool;
          L.outC = C;
          L.relu = false;
        }
      } else {
        throw std::invalid_argument(where + ": unknown layer type");
      }
      L.outSize = L.outH * L.outW * L.outC;
      H = L.outH; W = L.outW; C = L.outC;
      layers_.push_back(L);
    }
    if (layers_.empty()) throw std::invalid_argument("the network has no dense or conv2d layer");
    if (rank != 1) throw std::invalid_argument("the last layer does not produce logits of rank 1 (add a flatten)");
    if (params_.empty()) throw std::invalid_argument("the network has no parameters");
    classes_ = layers_.back().outSize;
    for (const Layer& L : layers_) {
      double macs = 0;
      if (L.kind == Kind::Dense) macs = (double)L.inSize * L.outC;
      if (L.kind == Kind::Conv) macs = (double)L.outH * L.outW * L.colK * L.outC;
      forwardFlops_ += 2 * macs;
      trainFlops_ += 2 * macs * (L.inputGrad ? 3 : 2);
    }
    params_data_.reserve(paramCount_);
    wt_.reserve(std::max<long>(1, wtCount_));
    work_.resize(pool_.size());
    for (auto& w : work_) {
      w.reset(new Work());
      w->grad.reserve(paramCount_);
      w->probs.resize(3 * (size_t)classes_);
    }
  }

  int classes() const { return classes_; }
  int inputSize() const { return inSize_; }
  int threads() const { return pool_.size(); }
  /** Threads for `flops` of work: deterministic in the work, so results are too. */
  int threadsFor(double flops) const {
    if (minWork_ <= 0) return pool_.size();
    return (int)std::max(1.0, std::min((double)pool_.size(), std::floor(flops / minWork_)));
  }
  const std::vector<Param>& params() const { return params_; }

  void setParams(const std::vector<const float*>& src) {
    for (size_t i = 0; i < params_.size(); i++)
      std::memcpy(params_data_.data() + params_[i].offset, src[i], params_[i].size * sizeof(float));
    for (const Param& p : params_) transposeRows(p, 0, p.rows);
  }
  void getParams(std::vector<float*>& dst) const {
    for (size_t i = 0; i < params_.size(); i++)
      std::memcpy(dst[i], params_data_.data() + params_[i].offset, params_[i].size * sizeof(float));
  }

  void setOptimizer(const Optimizer& o) {
    opt_ = o;
    iterations_ = 0;
    const int slots = slotCount();
    slots_.reserve(std::max<long>(1, (long)slots * paramCount_));
    std::memset(slots_.data(), 0, slots_.size() * sizeof(float));
  }
  const Optimizer& optimizer() const { return opt_; }
  /** Slot tensors per parameter: Adam 2 (m, v), SGD with momentum 1, plain SGD 0. */
  int slotCount() const {
    return opt_.name == Optimizer::Adam ? 2 : opt_.name == Optimizer::Sgd && opt_.momentum != 0 ? 1 : 0;
  }
  long iterations() const { return iterations_; }
  /** Slot k (0..slotCount-1) of parameter i. */
  float* slot(int k, size_t i) { return slots_.data() + (long)k * paramCount_ + params_[i].offset; }
  void setIterations(long it) { iterations_ = it; }

  void setData(const float* x, long n, const int32_t* labels, const float* teacher) {
    for (long i = 0; i < n; i++)
      if (labels[i] < 0 || labels[i] >= classes_)
        throw std::invalid_argument("label " + std::to_string(labels[i]) + " of example " + std::to_string(i) + " is outside [0, " + std::to_string(classes_) + ")");
    dataX_.reserve((size_t)std::max<long>(1, n * inSize_));
    std::memcpy(dataX_.data(), x, (size_t)n * inSize_ * sizeof(float));
    dataY_.reserve((size_t)std::max<long>(1, n));
    std::memcpy(dataY_.data(), labels, (size_t)n * sizeof(int32_t));
    hasTeacher_ = teacher != nullptr;
    if (teacher) {
      dataT_.reserve((size_t)std::max<long>(1, n * classes_));
      std::memcpy(dataT_.data(), teacher, (size_t)n * classes_ * sizeof(float));
    }
    n_ = n;
  }

  StepResult step(const int32_t* idx, int B, double lr, const Loss& loss) {
    if (opt_.name == Optimizer::None) throw std::logic_error("setOptimizer before step");
    if (n_ == 0) throw std::logic_error("setData before step");
    if (B <= 0) throw std::invalid_argument("step needs at least one index");
    for (int b = 0; b < B; b++)
      if (idx[b] < 0 || idx[b] >= n_) throw std::out_of_range("index " + std::to_string(idx[b]) + " is outside the data (" + std::to_string(n_) + " examples)");
    if (loss.kdWeight != 0 && !hasTeacher_) throw std::logic_error("kdWeight is not 0 but setData got no teacher logits");
    if (hasTeacher_ && !(loss.temperature > 0)) throw std::invalid_argument("temperature must be > 0");
    const int T = threadsFor((double)B * trainFlops_);
    ensureCapacity((B + T - 1) / T);
    auto phase1 = [&](int t) {
      Work& w = *work_[t];
      std::memset(w.grad.data(), 0, paramCount_ * sizeof(float));
      w.ce = w.kd = 0;
      w.correct = 0;
      const int b0 = (int)((long)B * t / T), b1 = (int)((long)B * (t + 1) / T), nb = b1 - b0;
      if (nb == 0) return;
      float* x = w.in.data();
      for (int b = 0; b < nb; b++) std::memcpy(x + (long)b * inSize_, dataX_.data() + (long)idx[b0 + b] * inSize_, inSize_ * sizeof(float));
      forward(w, x, nb);
      lossAndGrad(w, idx + b0, nb, B, loss);
      backward(w, x, nb);
    };
    pool_.run(phase1, T);
    const double step = (double)iterations_ + 1;
    auto phase2 = [&](int t) { update(t, T, lr, step); };
    pool_.run(phase2, T);
    iterations_++;
    StepResult r;
    for (int t = 0; t < T; t++) {
      r.ce += work_[t]->ce;
      r.kd += work_[t]->kd;
      r.correct += work_[t]->correct;
    }
    r.ce /= B;
    r.kd /= B;
    r.total = loss.ceWeight * r.ce + loss.kdWeight * r.kd;
    return r;
  }

  void predict(const float* x, long n, float* out) {
    if (n <= 0) return;
    const int T = threadsFor((double)n * forwardFlops_);
    const int block = std::max(64, cap_);
    ensureCapacity(block);
    auto job = [&](int t) {
      Work& w = *work_[t];
      const long e0 = n * t / T, e1 = n * (t + 1) / T;
      for (long e = e0; e < e1; e += block) {
        const int nb = (int)std::min<long>(block, e1 - e);
        const float* logits = forward(w, x + e * inSize_, nb);
        std::memcpy(out + e * classes_, logits, (size_t)nb * classes_ * sizeof(float));
      }
    };
    pool_.run(job, T);
  }

 private:
  struct Work {
    Buf<float> in, g0, g1, col, grad;
    std::vector<std::unique_ptr<Buf<float>>> act;
    std::vector<std::unique_ptr<Buf<float>>> pad;  // per padded conv layer: zero-bordered input copies
    std::vector<double> probs;  // softmax scratch of the loss: 3 rows of classes
    double ce = 0, kd = 0;
    long correct = 0;
  };

  int addParam(std::vector<int> shape, int rows, int cols, bool transposed) {
    Param p;
    p.shape = std::move(shape);
    p.rows = rows;
    p.cols = cols;
    p.size = (long)rows * cols;
    p.offset = paramCount_;
    // Keep every tensor 64-byte aligned.
    paramCount_ += (p.size + 15) / 16 * 16;
    if (transposed) {
      p.wt = wtCount_;
      wtCount_ += (p.size + 15) / 16 * 16;
    }
    params_.push_back(p);
    return (int)params_.size() - 1;
  }

  void ensureCapacity(int perThread) {
    if (perThread <= cap_) return;
    const int cap = std::max(perThread, cap_ * 2);
    long maxSize = inSize_, maxCol = 1;
    for (const Layer& L : layers_) {
      maxSize = std::max<long>(maxSize, L.outSize);
      if (L.kind == Kind::Conv && L.inputGrad) maxCol = std::max<long>(maxCol, (long)L.chunk * L.outH * L.outW * L.colK);
    }
    for (auto& wp : work_) {
      Work& w = *wp;
      w.in.reserve((size_t)cap * inSize_);
      w.g0.reserve((size_t)cap * maxSize);
      w.g1.reserve((size_t)cap * maxSize);
      w.col.reserve(maxCol);
      w.act.resize(layers_.size());
      w.pad.resize(layers_.size());
      for (size_t l = 0; l < layers_.size(); l++) {
        if (!w.act[l]) w.act[l].reset(new Buf<float>());
        w.act[l]->reserve((size_t)cap * layers_[l].outSize);
        if (layers_[l].padded && !w.pad[l]) {
          w.pad[l].reset(new Buf<float>());
          w.pad[l]->reserve((size_t)layers_[l].chunk * layers_[l].imgSize);
        }
      }
    }
    cap_ = cap;
  }

  // ---- forward ----

  const float* forward(Work& w, const float* x, int nb) {
    const float* cur = x;
    for (const Layer& L : layers_) {
      float* out = w.act[&L - layers_.data()]->data();
      switch (L.kind) {
        case Kind::Dense: {
          gemm::Epilogue ep;
          ep.bias = L.b >= 0 ? P(L.b) : nullptr;
          ep.relu = L.relu;
          gemm::multiply(nb, L.outC, L.inSize, cur, L.inSize, false, P(L.w), L.outC, out, L.outC, ep);
          break;
        }
        case Kind::Conv: {
          gemm::Epilogue ep;
          ep.bias = L.b >= 0 ? P(L.b) : nullptr;
          ep.relu = L.relu;
          const long px = (long)L.outH * L.outW;
          float* padBuf = L.padded ? w.pad[&L - layers_.data()]->data() : nullptr;
          for (int e = 0; e < nb; e += L.chunk) {
            const int ne = std::min(L.chunk, nb - e);
            const float* img = cur + (long)e * L.inSize;
            const int rows = (int)(ne * px);
            float* y = out + (long)e * L.outSize;
            if (L.direct) {
              gemm::multiply(rows, L.outC, (int)L.colK, img, L.colK, false, P(L.w), L.outC, y, L.outC, ep);
            } else {
              if (padBuf) img = pad(L, img, ne, padBuf);
              gemm::multiply(rows, L.outC, (int)L.colK, gemm::AView::gather(img, L.poff.data(), L.koff.data()), P(L.w), L.outC, y, L.outC, ep);
            }
          }
          break;
        }
        case Kind::Pool:
          maxpool(L, cur, nb, out);
          break;
      }
      cur = out;
    }
    return cur;
  }

  /** Copies ne images into the interior of their zero-bordered copies (the border is never written). */
  static const float* pad(const Layer& L, const float* x, int ne, float* buf) {
    for (int e = 0; e < ne; e++)
      for (int iy = 0; iy < L.inH; iy++)
        std::memcpy(buf + e * L.imgSize + ((long)(iy + L.padT) * L.PW + L.padL) * L.inC,
                    x + (long)e * L.inSize + (long)iy * L.inW * L.inC, (size_t)L.inW * L.inC * sizeof(float));
    return buf;
  }

  /** Adds every im2col row back onto the input positions it was read from. */
  static void col2im(const Layer& L, const float* col, int ne, float* dx) {
    const int C = L.inC;
    const float* row = col;
    for (int e = 0; e < ne; e++) {
      float* img = dx + (long)e * L.inSize;
      for (int oy = 0; oy < L.outH; oy++) {
        for (int ox = 0; ox < L.outW; ox++) {
          const int iy0 = oy * L.sh - L.padT, ix0 = ox * L.sw - L.padL;
          const bool inside = ix0 >= 0 && ix0 + L.kw <= L.inW;
          for (int ky = 0; ky < L.kh; ky++) {
            const int iy = iy0 + ky;
            if (iy < 0 || iy >= L.inH) continue;
            if (inside) {
              simd::addTo(img + ((long)iy * L.inW + ix0) * C, row + ky * L.kw * C, L.kw * C);
              continue;
            }
            for (int kx = 0; kx < L.kw; kx++) {
              const int ix = ix0 + kx;
              if (ix < 0 || ix >= L.inW) continue;
              simd::addTo(img + ((long)iy * L.inW + ix) * C, row + (ky * L.kw + kx) * C, C);
            }
          }
          row += L.colK;
        }
      }
    }
  }

  /** Max over each window, padding excluded. Vectors run along the channels (NHWC). */
  static void maxpool(const Layer& L, const float* x, int nb, float* y) {
    const int C = L.inC;
    for (int e = 0; e < nb; e++) {
      const float* img = x + (long)e * L.inSize;
      float* o = y + (long)e * L.outSize;
      for (int oy = 0; oy < L.outH; oy++) {
        const int y0 = std::max(oy * L.sh - L.padT, 0), y1 = std::min(oy * L.sh - L.padT + L.kh, L.inH);
        for (int ox = 0; ox < L.outW; ox++, o += C) {
          const int x0 = std::max(ox * L.sw - L.padL, 0), x1 = std::min(ox * L.sw - L.padL + L.kw, L.inW);
          for (int c = 0; c < C; c += simd::VL) {
            const bool full = c + simd::VL <= C;
            const simd::vmask m = simd::first(full ? simd::VL : C - c);
            const float* p0 = img + (long)(y0 * L.inW + x0) * C + c;
            simd::vf best = full ? simd::load(p0) : simd::loadm(p0, m);
            for (int iy = y0; iy < y1; iy++)
              for (int ix = x0; ix < x1; ix++) {
                const float* p = img + (long)(iy * L.inW + ix) * C + c;
                best = simd::max(best, full ? simd::load(p) : simd::loadm(p, m));
              }
            if (full) simd::store(o + c, best);
            else simd::storem(o + c, best, m);
          }
        }
      }
    }
  }

  /**
   * dx (zeroed here) gets each window's gradient at the window's first position that holds the
   * maximum, as tfjs's MaxPoolGrad does; the positions are found again by comparing the input
   * with the pooled output rather than kept from the forward pass.
   */
  static void maxpoolGrad(const Layer& L, const float* x, const float* y, const float* dy, int nb, float* dx, bool relu) {
    const int C = L.inC;
    // Windows that tile the input exactly write every position once: no clearing needed.
    const bool tiles = L.sh == L.kh && L.sw == L.kw && L.padT == 0 && L.padL == 0 && L.outH * L.kh == L.inH && L.outW * L.kw == L.inW;
    if (!tiles) std::memset(dx, 0, (size_t)nb * L.inSize * sizeof(float));
    for (int e = 0; e < nb; e++) {
      const float* img = x + (long)e * L.inSize;
      float* d = dx + (long)e * L.inSize;
      const float* o = y + (long)e * L.outSize;
      const float* g = dy + (long)e * L.outSize;
      for (int oy = 0; oy < L.outH; oy++) {
        const int y0 = std::max(oy * L.sh - L.padT, 0), y1 = std::min(oy * L.sh - L.padT + L.kh, L.inH);
        for (int ox = 0; ox < L.outW; ox++, o += C, g += C) {
          const int x0 = std::max(ox * L.sw - L.padL, 0), x1 = std::min(ox * L.sw - L.padL + L.kw, L.inW);
          for (int c = 0; c < C; c += simd::VL) {
            const bool full = c + simd::VL <= C;
            const simd::vmask m = simd::first(full ? simd::VL : C - c);
            const simd::vf best = full ? simd::load(o + c) : simd::loadm(o + c, m);
            simd::vf grad = full ? simd::load(g + c) : simd::loadm(g + c, m);
            if (relu) grad = simd::select(simd::gt0(best), grad, simd::zero());
            simd::lanes done = simd::none();
            for (int iy = y0; iy < y1; iy++)
              for (int ix = x0; ix < x1; ix++) {
                const long at = (long)(iy * L.inW + ix) * C + c;
                const simd::vf v = full ? simd::load(img + at) : simd::loadm(img + at, m);
                const simd::lanes hit = simd::andnot(done, simd::eq(v, best));
                done = simd::lor(done, hit);
                const simd::vf add = simd::select(hit, grad, simd::zero());
                if (tiles) {
                  if (full) simd::store(d + at, add);
                  else simd::storem(d + at, add, m);
                } else {
                  if (full) simd::store(d + at, simd::add(simd::load(d + at), add));
                  else simd::storem(d + at, simd::add(simd::loadm(d + at, m), add), m);
                }
              }
          }
        }
      }
    }
  }

  // ---- loss ----

  void lossAndGrad(Work& w, const int32_t* idx, int nb, int B, const Loss& loss) {
    const float* z = w.act.back()->data();
    float* dz = w.g0.data();
    const int C = classes_;
    const double T = loss.temperature;
    const double ceScale = loss.ceWeight / B, kdScale = loss.kdWeight * T / B;
    double* ps = w.probs.data();
    double* pt = ps + C;
    double* sm = pt + C;
    for (int b = 0; b < nb; b++) {
      const float* zb = z + (long)b * C;
      const int y = dataY_.data()[idx[b]];
      int am = 0;
      for (int c = 1; c < C; c++)
        if (zb[c] > zb[am]) am = c;
      w.correct += am == y;
      const double m = zb[am];
      double se = 0;
      for (int c = 0; c < C; c++) se += (sm[c] = std::exp(zb[c] - m));
      w.ce += m + std::log(se) - zb[y];
      for (int c = 0; c < C; c++) sm[c] /= se;
      float* d = dz + (long)b * C;
      for (int c = 0; c < C; c++) d[c] = (float)(ceScale * (sm[c] - (c == y ? 1.0 : 0.0)));
      if (hasTeacher_) {
        const float* tb = dataT_.data() + (long)idx[b] * C;
        double mt = tb[0];
        for (int c = 1; c < C; c++) mt = std::max(mt, (double)tb[c]);
        // p = softmax(z/T); log p = (z - max)/T - log Σ exp((z - max)/T).
        double ses = 0, set = 0;
        for (int c = 0; c < C; c++) {
          ses += (ps[c] = std::exp((zb[c] - m) / T));
          set += (pt[c] = std::exp((tb[c] - mt) / T));
        }
        const double lses = std::log(ses), lset = std::log(set);
        double kl = 0;
        for (int c = 0; c < C; c++) {
          const double lps = (zb[c] - m) / T - lses, lpt = (tb[c] - mt) / T - lset;
          ps[c] /= ses;
          pt[c] /= set;
          kl += pt[c] * (lpt - lps);
        }
        w.kd += T * T * kl;
        if (kdScale != 0)
          for (int c = 0; c < C; c++) d[c] += (float)(kdScale * (ps[c] - pt[c]));
      }
    }
  }

  // ---- backward ----

  void backward(Work& w, const float* x, int nb) {
    float* dy = w.g0.data();
    float* dx = w.g1.data();
    float* grad = w.grad.data();
    bool reluDone = false;  // a max-pool already masked this layer's output gradient
    for (int l = (int)layers_.size() - 1; l >= 0; l--) {
      const Layer& L = layers_[l];
      const float* in = l == 0 ? x : w.act[l - 1]->data();
      const float* out = w.act[l]->data();
      bool maskedByPool = false;
      if (L.relu && !reluDone) {
        const long n = (long)nb * L.outSize;
        for (long i = 0; i < n; i++) dy[i] = out[i] > 0.f ? dy[i] : 0.f;
      }
      switch (L.kind) {
        case Kind::Dense: {
          gemm::Epilogue acc;
          acc.accumulate = true;
          gemm::multiply(L.inSize, L.outC, nb, in, L.inSize, true, dy, L.outC, grad + params_[L.w].offset, L.outC, acc);
          if (L.b >= 0) biasGrad(dy, nb, L.outC, grad + params_[L.b].offset);
          if (L.inputGrad)
            gemm::multiply(nb, L.inSize, L.outC, dy, L.outC, false, WT(L.w), L.inSize, dx, L.inSize, gemm::Epilogue());
          break;
        }
        case Kind::Conv: {
          const long px = (long)L.outH * L.outW;
          gemm::Epilogue acc;
          acc.accumulate = true;
          float* padBuf = L.padded ? w.pad[l]->data() : nullptr;
          for (int e = 0; e < nb; e += L.chunk) {
            const int ne = std::min(L.chunk, nb - e);
            const int rows = (int)(ne * px);
            const float* dyc = dy + (long)e * L.outSize;
            const float* img = in + (long)e * L.inSize;
            float* gw = grad + params_[L.w].offset;
            if (L.direct) {
              gemm::multiply((int)L.colK, L.outC, rows, img, L.colK, true, dyc, L.outC, gw, L.outC, acc);
            } else {
              if (padBuf) img = pad(L, img, ne, padBuf);
              // Taps × pixels: the transposed implicit im2col matrix, through the same tables.
              gemm::multiply((int)L.colK, L.outC, rows, gemm::AView::gather(img, L.koff.data(), L.poff.data()), dyc, L.outC, gw, L.outC, acc);
            }
            if (!L.inputGrad) continue;
            float* dxc = dx + (long)e * L.inSize;
            if (L.direct) {
              gemm::multiply(rows, (int)L.colK, L.outC, dyc, L.outC, false, WT(L.w), L.colK, dxc, L.colK, gemm::Epilogue());
            } else {
              float* dcol = w.col.data();
              gemm::multiply(rows, (int)L.colK, L.outC, dyc, L.outC, false, WT(L.w), L.colK, dcol, L.colK, gemm::Epilogue());
              std::memset(dxc, 0, (size_t)ne * L.inSize * sizeof(float));
              col2im(L, dcol, ne, dxc);
            }
          }
          if (L.b >= 0) biasGrad(dy, (int)(nb * px), L.outC, grad + params_[L.b].offset);
          break;
        }
        case Kind::Pool: {
          if (!L.inputGrad) break;
          // The pooled input's ReLU passes gradient where the input is > 0; at the one position
          // per window that receives gradient, the input equals the window's maximum.
          maskedByPool = l > 0 && layers_[l - 1].relu;
          maxpoolGrad(L, in, out, dy, nb, dx, maskedByPool);
          break;
        }
      }
      if (!L.inputGrad) break;
      reluDone = maskedByPool;
      std::swap(dy, dx);
    }
  }

  /** db += column sums of dy [rows, cols]; four row accumulators hide the add latency. */
  static void biasGrad(const float* dy, int rows, int cols, float* db) {
    using namespace simd;
    for (int c = 0; c < cols; c += VL) {
      const bool full = c + VL <= cols;
      const vmask m = first(full ? VL : cols - c);
      auto ld = [&](const float* p) { return full ? load(p) : loadm(p, m); };
      vf a0 = zero(), a1 = zero(), a2 = zero(), a3 = zero();
      int r = 0;
      for (; r + 4 <= rows; r += 4) {
        const float* d = dy + (long)r * cols + c;
        a0 = add(a0, ld(d));
        a1 = add(a1, ld(d + cols));
        a2 = add(a2, ld(d + 2 * cols));
        a3 = add(a3, ld(d + 3 * cols));
      }
      for (; r < rows; r++) a0 = add(a0, ld(dy + (long)r * cols + c));
      const vf sum = add(ld(db + c), add(add(a0, a1), add(a2, a3)));
      if (full) store(db + c, sum);
      else storem(db + c, sum, m);
    }
  }

  // ---- update ----

  /** Thread t of T: sums the T gradient buffers over its rows of every tensor and applies the optimizer. */
  void update(int t, int T, double lr, double step) {
    float* g0 = work_[0]->grad.data();
    const float flr = (float)lr;
    for (size_t i = 0; i < params_.size(); i++) {
      const Param& p = params_[i];
      const int r0 = (int)((long)p.rows * t / T), r1 = (int)((long)p.rows * (t + 1) / T);
      if (r0 == r1) continue;
      const long e0 = p.offset + (long)r0 * p.cols, n = (long)(r1 - r0) * p.cols;
      float* g = g0 + e0;
      for (int u = 1; u < T; u++) {
        const float* gu = work_[u]->grad.data() + e0;
        for (long j = 0; j < n; j++) g[j] += gu[j];
      }
      float* w = params_data_.data() + e0;
      if (opt_.name == Optimizer::Adam) {
        float* m = slots_.data() + e0;
        float* v = slots_.data() + paramCount_ + e0;
        const float b1 = (float)opt_.beta1, b2 = (float)opt_.beta2;
        const float ob1 = (float)(1 - opt_.beta1), ob2 = (float)(1 - opt_.beta2);
        const float c1 = (float)(1 - std::pow(opt_.beta1, step)), c2 = (float)(1 - std::pow(opt_.beta2, step));
        const float eps = (float)opt_.epsilon, nlr = -flr;
        for (long j = 0; j < n; j++) {
          const float mj = b1 * m[j] + ob1 * g[j];
          const float vj = b2 * v[j] + ob2 * (g[j] * g[j]);
          m[j] = mj;
          v[j] = vj;
          w[j] = (mj / c1) / (std::sqrt(vj / c2) + eps) * nlr + w[j];
        }
        if (opt_.weightDecay != 0) {
          const float f = (float)(1 - lr * opt_.weightDecay);
          for (long j = 0; j < n; j++) w[j] *= f;
        }
      } else if (opt_.momentum != 0) {
        float* a = slots_.data() + e0;
        const float mom = (float)opt_.momentum, nlr = -flr;
        for (long j = 0; j < n; j++) {
          a[j] = mom * a[j] + g[j];
          w[j] = nlr * a[j] + w[j];
        }
      } else {
        const float nlr = -flr;
        for (long j = 0; j < n; j++) w[j] = nlr * g[j] + w[j];
      }
      transposeRows(p, r0, r1);
    }
  }

  void transposeRows(const Param& p, int r0, int r1) {
    if (p.wt < 0) return;
    const float* w = params_data_.data() + p.offset;
    float* wt = wt_.data() + p.wt;
    // 16x16 blocks: one side of a transpose is strided; blocks keep both in a few cache lines.
    for (int rb = r0; rb < r1; rb += 16)
      for (int cb = 0; cb < p.cols; cb += 16) {
        const int re = std::min(rb + 16, r1), ce = std::min(cb + 16, p.cols);
        for (int c = cb; c < ce; c++)
          for (int r = rb; r < re; r++) wt[(long)c * p.rows + r] = w[(long)r * p.cols + c];
      }
  }

  float* P(int i) { return params_data_.data() + params_[i].offset; }
  const float* WT(int i) const { return wt_.data() + params_[i].wt; }

  ThreadPool pool_;
  double minWork_ = 0, forwardFlops_ = 0, trainFlops_ = 0;  // FLOP per example
  std::vector<Layer> layers_;
  std::vector<Param> params_;
  long paramCount_ = 0, wtCount_ = 0;
  int inSize_ = 0, classes_ = 0, cap_ = 0;
  Buf<float> params_data_, wt_, slots_;
  Optimizer opt_;
  long iterations_ = 0;
  Buf<float> dataX_, dataT_;
  Buf<int32_t> dataY_;
  long n_ = 0;
  bool hasTeacher_ = false;
  std::vector<std::unique_ptr<Work>> work_;
};

}  // namespace distillery
