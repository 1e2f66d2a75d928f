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
