// Vector primitives for the engine: AVX-512 where the build machine has it (-march=native),
// else AVX2+FMA, else scalar. Everything above this file is written once against `vf`.
#pragma once
#include <cstdint>
#include <cstring>
#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

namespace simd {

#if defined(__AVX512F__)
constexpr int VL = 16;
typedef __m512 vf;
typedef __mmask16 vmask;
static inline vf zero() { return _mm512_setzero_ps(); }
static inline vf set1(float x) { return _mm512_set1_ps(x); }
static inline vf load(const float* p) { return _mm512_loadu_ps(p); }
static inline void store(float* p, vf v) { _mm512_storeu_ps(p, v); }
/** Mask of the first n lanes, 1 <= n <= VL. */
static inline vmask first(int n) { return (vmask)((1u << n) - 1u); }
static inline vf loadm(const float* p, vmask m) { return _mm512_maskz_loadu_ps(m, p); }
static inline void storem(float* p, vf v, vmask m) { _mm512_mask_storeu_ps(p, m, v); }
static inline vf fma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
static inline vf add(vf a, vf b) { return _mm512_add_ps(a, b); }
static inline vf mul(vf a, vf b) { return _mm512_mul_ps(a, b); }
static inline vf max(vf a, vf b) { return _mm512_max_ps(a, b); }
/** Per-lane booleans from a comparison. */
typedef __mmask16 lanes;
static inline lanes eq(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
static inline lanes gt0(vf a) { return _mm512_cmp_ps_mask(a, _mm512_setzero_ps(), _CMP_GT_OQ); }
static inline lanes none() { return 0; }
static inline lanes andnot(lanes a, lanes b) { return (lanes)(~a & b); }
static inline lanes lor(lanes a, lanes b) { return (lanes)(a | b); }
/** l ? a : b per lane. */
static inline vf select(lanes l, vf a, vf b) { return _mm512_mask_blend_ps(l, b, a); }
static const char* const name = "avx512";
#elif defined(__AVX2__) && defined(__FMA__)
constexpr int VL = 8;
typedef __m256 vf;
typedef __m256i vmask;
static inline vf zero() { return _mm256_setzero_ps(); }
static inline vf set1(float x) { return _mm256_set1_ps(x); }
static inline vf load(const float* p) { return _mm256_loadu_ps(p); }
static inline void store(float* p, vf v) { _mm256_storeu_ps(p, v); }
static inline vmask first(int n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
static inline vf loadm(const float* p, vmask m) { return _mm256_maskload_ps(p, m); }
static inline void storem(float* p, vf v, vmask m) { _mm256_maskstore_ps(p, m, v); }
static inline vf fma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
static inline vf add(vf a, vf b) { return _mm256_add_ps(a, b); }
static inline vf mul(vf a, vf b) { return _mm256_mul_ps(a, b); }
static inline vf max(vf a, vf b) { return _mm256_max_ps(a, b); }
typedef __m256 lanes;
static inline lanes eq(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
static inline lanes gt0(vf a) { return _mm256_cmp_ps(a, _mm256_setzero_ps(), _CMP_GT_OQ); }
static inline lanes none() { return _mm256_setzero_ps(); }
static inline lanes andnot(lanes a, lanes b) { return _mm256_andnot_ps(a, b); }
static inline lanes lor(lanes a, lanes b) { return _mm256_or_ps(a, b); }
static inline vf select(lanes l, vf a, vf b) { return _mm256_blendv_ps(b, a, l); }
static const char* const name = "avx2";
#else
constexpr int VL = 1;
typedef float vf;
typedef bool vmask;
static inline vf zero() { return 0.f; }
static inline vf set1(float x) { return x; }
static inline vf load(const float* p) { return *p; }
static inline void store(float* p, vf v) { *p = v; }
static inline vmask first(int n) { return n > 0; }
static inline vf loadm(const float* p, vmask m) { return m ? *p : 0.f; }
static inline void storem(float* p, vf v, vmask m) { if (m) *p = v; }
static inline vf fma(vf a, vf b, vf c) { return a * b + c; }
static inline vf add(vf a, vf b) { return a + b; }
static inline vf mul(vf a, vf b) { return a * b; }
static inline vf max(vf a, vf b) { return a > b ? a : b; }
typedef bool lanes;
static inline lanes eq(vf a, vf b) { return a == b; }
static inline lanes gt0(vf a) { return a > 0.f; }
static inline lanes none() { return false; }
static inline lanes andnot(lanes a, lanes b) { return !a && b; }
static inline lanes lor(lanes a, lanes b) { return a || b; }
static inline vf select(lanes l, vf a, vf b) { return l ? a : b; }
static const char* const name = "scalar";
#endif

// Runs of n floats (n small and known only at run time: a window row of kw·C values).
static inline void copy(float* d, const float* s, int n) {
  int i = 0;
  for (; i + VL <= n; i += VL) store(d + i, load(s + i));
  if (i < n) {
    const vmask m = first(n - i);
    storem(d + i, loadm(s + i, m), m);
  }
}
static inline void addTo(float* d, const float* s, int n) {
  int i = 0;
  for (; i + VL <= n; i += VL) store(d + i, add(load(d + i), load(s + i)));
  if (i < n) {
    const vmask m = first(n - i);
    storem(d + i, add(loadm(d + i, m), loadm(s + i, m)), m);
  }
}
static inline void clear(float* d, int n) {
  int i = 0;
  for (; i + VL <= n; i += VL) store(d + i, zero());
  if (i < n) storem(d + i, zero(), first(n - i));
}

}  // namespace simd
