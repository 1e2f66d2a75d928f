// OpenBLAS's CBLAS and the reference LAPACKE, from Debian's libopenblas-dev and liblapacke-dev.
#include <cblas.h>
#include <lapacke.h>
// glibc's mallopt, for MemoryTuning (large-allocation reuse).
#include <malloc.h>
// glibc's libmvec (2.35+): tanh on four doubles at a time (AVX2 variant) where the CPU has AVX2,
// else on two (SSE2 variant, any x86-64). Both are glibc's vector tanh, accurate to < 4 ulp.
#include <immintrin.h>
__m128d _ZGVbN2v_tanh(__m128d);
__attribute__((target("avx2"))) __m256d _ZGVdN4v_tanh(__m256d);
static inline void biaslab_vector_tanh_sse2(const double *x, double *y, long n) {
    long i = 0;
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(y + i, _ZGVbN2v_tanh(_mm_loadu_pd(x + i)));
    if (i < n) y[i] = _mm_cvtsd_f64(_ZGVbN2v_tanh(_mm_set1_pd(x[i])));
}
__attribute__((target("avx2")))
static inline void biaslab_vector_tanh_avx2(const double *x, double *y, long n) {
    long i = 0;
    for (; i + 4 <= n; i += 4) _mm256_storeu_pd(y + i, _ZGVdN4v_tanh(_mm256_loadu_pd(x + i)));
    biaslab_vector_tanh_sse2(x + i, y + i, n - i);
}
/// y[i] = tanh(x[i]) for i < n through libmvec, with the widest variant the CPU supports.
static inline void biaslab_vector_tanh(const double *x, double *y, long n) {
    if (__builtin_cpu_supports("avx2")) biaslab_vector_tanh_avx2(x, y, n);
    else biaslab_vector_tanh_sse2(x, y, n);
}
// Non-temporal (streaming) stores for large outputs written once and not read back soon, such as
// the |B| × d per-sample gradient matrix: they skip the read-for-ownership of each cache line, so
// writing costs one memory pass instead of two.
#include <stdint.h>
#include <string.h>
static inline void biaslab_stream_one(double *dst, double v) {
    long long bits;
    memcpy(&bits, &v, sizeof bits);
    _mm_stream_si64((long long *)dst, bits);
}
/// dst[k] = s · src[k] for k < n, with streaming stores. Call biaslab_store_fence() after the last one.
static inline void biaslab_stream_scaled(double *dst, const double *src, double s, long n) {
    long k = 0;
    if (n > 0 && ((uintptr_t)dst & 15) != 0) { biaslab_stream_one(dst, s * src[0]); k = 1; }
    const __m128d scale = _mm_set1_pd(s);
    for (; k + 2 <= n; k += 2) _mm_stream_pd(dst + k, _mm_mul_pd(scale, _mm_loadu_pd(src + k)));
    if (k < n) biaslab_stream_one(dst + k, s * src[k]);
}
/// Orders every streaming store before later loads and stores (sfence).
static inline void biaslab_store_fence(void) { _mm_sfence(); }
