// C[M,N] = epilogue(A[M,K]·B[K,N]) for the shapes a small CNN/MLP training step has.
// A is read in place and its elements broadcast (AVX-512 folds the broadcast into the FMA), in
// one of three layouts:
//   Rows:   A[i*lda + k]              (row-major: activations, output gradients)
//   Cols:   A[k*lda + i]              (a transposed row-major matrix: X^T in X^T·dY)
//   Gather: A[row[i] + koff[k]]       (offset tables: a convolution's implicit im2col matrix,
//                                      pixels × window taps for the forward pass, or taps ×
//                                      pixels for the kernel gradient, read from the image)
// B is row-major with N contiguous and is loaded as vectors. No packing: every operand is
// already in one of these layouts and small enough for L2, and packing would cost as much as
// the multiply at N = 16..32. Rows of A past M are never read: a partial row tile re-reads its
// last row and does not store it.
#pragma once
#include <algorithm>
#include "simd.h"

namespace gemm {

using simd::vf;
using simd::VL;

enum class Layout { Rows, Cols, Gather };

/** The A operand. */
struct AView {
  Layout layout = Layout::Rows;
  const float* a = nullptr;
  long lda = 0;
  const int32_t* row = nullptr;   // Gather: offset of row i
  const int32_t* koff = nullptr;  // Gather: offset of column k
  static AView rows(const float* a, long lda) { AView v; v.a = a; v.lda = lda; return v; }
  static AView cols(const float* a, long lda) { AView v; v.layout = Layout::Cols; v.a = a; v.lda = lda; return v; }
  static AView gather(const float* a, const int32_t* row, const int32_t* koff) {
    AView v; v.layout = Layout::Gather; v.a = a; v.row = row; v.koff = koff; return v;
  }
};

struct Epilogue {
  /** Add the existing C (gradient accumulation) instead of overwriting it. */
  bool accumulate = false;
  /** Per-column bias added to every row (forward layers), or null. */
  const float* bias = nullptr;
  /** max(0, ·) before the store. */
  bool relu = false;
};

template <int MR, int NV, Layout AL, bool FULL>
static inline void tile(int K, const AView& av, int i0, int mr, const float* B, long ldb,
                        float* C, long ldc, simd::vmask last, const Epilogue& ep, int j0) {
  vf c[MR][NV];
#pragma GCC unroll 16
  for (int r = 0; r < MR; r++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) c[r][v] = simd::zero();
  // Offsets of the tile's rows in A; a partial tile repeats its last valid row.
  long ao[MR];
#pragma GCC unroll 16
  for (int r = 0; r < MR; r++) {
    const int i = i0 + (FULL ? r : std::min(r, mr - 1));
    ao[r] = AL == Layout::Gather ? (long)av.row[i] : AL == Layout::Cols ? (long)i : (long)i * av.lda;
  }
  const long astep = AL == Layout::Cols ? av.lda : 1;
  const float* ap = av.a;
  const float* bp = B;
  for (int k = 0; k < K; k++) {
    if (AL == Layout::Gather) ap = av.a + av.koff[k];
    vf b[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) b[v] = v == NV - 1 ? simd::loadm(bp + v * VL, last) : simd::load(bp + v * VL);
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++) {
      vf a = simd::set1(ap[ao[r]]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) c[r][v] = simd::fma(a, b[v], c[r][v]);
    }
    ap += astep;
    bp += ldb;
  }
  vf bias[NV];
  if (ep.bias) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) bias[v] = v == NV - 1 ? simd::loadm(ep.bias + j0 + v * VL, last) : simd::load(ep.bias + j0 + v * VL);
  }
#pragma GCC unroll 16
  for (int r = 0; r < MR; r++) {
    if (!FULL && r >= mr) break;
    float* cr = C + (long)r * ldc;
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) {
      vf x = c[r][v];
      const bool lastv = v == NV - 1;
      if (ep.accumulate) x = simd::add(x, lastv ? simd::loadm(cr + v * VL, last) : simd::load(cr + v * VL));
      if (ep.bias) x = simd::add(x, bias[v]);
      if (ep.relu) x = simd::max(x, simd::zero());
      if (lastv) simd::storem(cr + v * VL, x, last);
      else simd::store(cr + v * VL, x);
    }
  }
}

template <int MR, int NV, Layout AL>
static void panel(int M, int K, const AView& av, const float* B, long ldb, float* C, long ldc,
                  int lanes, const Epilogue& ep, int j0) {
  const simd::vmask last = simd::first(lanes);
  int i = 0;
  for (; i + MR <= M; i += MR) tile<MR, NV, AL, true>(K, av, i, MR, B, ldb, C + (long)i * ldc, ldc, last, ep, j0);
  if (i < M) tile<MR, NV, AL, false>(K, av, i, M - i, B, ldb, C + (long)i * ldc, ldc, last, ep, j0);
}

/** Column panels of NV vectors, MR rows per tile; the last panel is narrower as needed. */
template <int MR, int NV, Layout AL>
static void run(int M, int N, int K, const AView& av, const float* B, long ldb, float* C, long ldc, const Epilogue& ep) {
  for (int j = 0; j < N; j += NV * VL) {
    const int n = std::min(N - j, NV * VL);
    const int nv = (n + VL - 1) / VL;
    const int lanes = n - (nv - 1) * VL;
    const float* b = B + j;
    float* c = C + j;
    switch (nv) {
      case 1: panel<MR, 1, AL>(M, K, av, b, ldb, c, ldc, lanes, ep, j); break;
      case 2: if constexpr (NV >= 2) panel<MR, 2, AL>(M, K, av, b, ldb, c, ldc, lanes, ep, j); break;
      case 3: if constexpr (NV >= 3) panel<MR, 3, AL>(M, K, av, b, ldb, c, ldc, lanes, ep, j); break;
      case 4: if constexpr (NV >= 4) panel<MR, 4, AL>(M, K, av, b, ldb, c, ldc, lanes, ep, j); break;
    }
  }
}

template <Layout AL>
static void dispatch(int M, int N, int K, const AView& av, const float* B, long ldb, float* C, long ldc, const Epilogue& ep) {
  // Tile shapes by N: the accumulators (MR×NV vectors) fill most of the 32 AVX-512 registers.
  const int nv = (N + VL - 1) / VL;
  if (nv <= 1) run<14, 1, AL>(M, N, K, av, B, ldb, C, ldc, ep);
  else if (nv == 2) run<12, 2, AL>(M, N, K, av, B, ldb, C, ldc, ep);
  else if (nv % 3 == 0 && nv % 4 != 0) run<8, 3, AL>(M, N, K, av, B, ldb, C, ldc, ep);
  else run<6, 4, AL>(M, N, K, av, B, ldb, C, ldc, ep);
}

/** C = A·B (then the epilogue), B[k,j] at B[k*ldb+j]. */
static void multiply(int M, int N, int K, const AView& av, const float* B, long ldb, float* C, long ldc, const Epilogue& ep) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    // Nothing to sum: the epilogue alone (the engine never asks; kept total).
    for (int i = 0; i < M; i++)
      for (int j = 0; j < N; j++) {
        float x = ep.accumulate ? C[(long)i * ldc + j] : 0.f;
        if (ep.bias) x += ep.bias[j];
        if (ep.relu && x < 0) x = 0;
        C[(long)i * ldc + j] = x;
      }
    return;
  }
  switch (av.layout) {
    case Layout::Rows: dispatch<Layout::Rows>(M, N, K, av, B, ldb, C, ldc, ep); break;
    case Layout::Cols: dispatch<Layout::Cols>(M, N, K, av, B, ldb, C, ldc, ep); break;
    case Layout::Gather: dispatch<Layout::Gather>(M, N, K, av, B, ldb, C, ldc, ep); break;
  }
}

/** Row-major or transposed A, the common cases. */
static inline void multiply(int M, int N, int K, const float* A, long lda, bool acol, const float* B, long ldb,
                            float* C, long ldc, const Epilogue& ep) {
  multiply(M, N, K, acol ? AView::cols(A, lda) : AView::rows(A, lda), B, ldb, C, ldc, ep);
}

}  // namespace gemm
