// OpenBLAS's CBLAS and the reference LAPACKE, from Debian's libopenblas-dev and liblapacke-dev.
#include <cblas.h>
#include <lapacke.h>
// glibc's mallopt, for MemoryTuning (large-allocation reuse).
#include <malloc.h>
// glibc's libmvec (2.35+): tanh on two doubles at a time (SSE2 variant, any x86-64).
#include <emmintrin.h>
__m128d _ZGVbN2v_tanh(__m128d);
/// y[i] = tanh(x[i]) for i < n, two lanes at a time through libmvec.
static inline void biaslab_vector_tanh(const double *x, double *y, long n) {
    long i = 0;
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(y + i, _ZGVbN2v_tanh(_mm_loadu_pd(x + i)));
    if (i < n) y[i] = _mm_cvtsd_f64(_ZGVbN2v_tanh(_mm_set1_pd(x[i])));
}
