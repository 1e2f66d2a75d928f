// The vector kernels that need x86-64 intrinsics (libmvec's tanh, streaming stores), each with a plain
// fallback used on other architectures, where libmvec is missing, or when BIASLAB_PORTABLE_KERNELS=1.
#define _GNU_SOURCE
#include "biaslab_platform.h"
#include <dlfcn.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void tanh_plain(const double *x, double *y, long n) {
    for (long i = 0; i < n; i++) y[i] = tanh(x[i]);
}

static void stream_plain(double *dst, const double *src, double s, long n) {
    for (long k = 0; k < n; k++) dst[k] = s * src[k];
}

#if defined(__x86_64__)
#include <immintrin.h>

/// BIASLAB_PORTABLE_KERNELS=1 at start-up (x86-64; other architectures always use the plain kernels).
static int forcedPortable = 0;

// glibc's libmvec variants of tanh (found with dlsym, so nothing links against libmvec).
typedef __m128d (*tanh2_fn)(__m128d);
typedef __m256d (*tanh4_fn)(__m256d);
static tanh2_fn tanh2;
static tanh4_fn tanh4;

static void tanh_sse2(const double *x, double *y, long n) {
    long i = 0;
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(y + i, tanh2(_mm_loadu_pd(x + i)));
    if (i < n) y[i] = _mm_cvtsd_f64(tanh2(_mm_set1_pd(x[i])));
}

__attribute__((target("avx2")))
static void tanh_avx2(const double *x, double *y, long n) {
    long i = 0;
    for (; i + 4 <= n; i += 4) _mm256_storeu_pd(y + i, tanh4(_mm256_loadu_pd(x + i)));
    tanh_sse2(x + i, y + i, n - i);
}

static void stream_one(double *dst, double v) {
    long long bits;
    memcpy(&bits, &v, sizeof bits);
    _mm_stream_si64((long long *)dst, bits);
}

static void stream_sse2(double *dst, const double *src, double s, long n) {
    long k = 0;
    if (n > 0 && ((uintptr_t)dst & 15) != 0) { stream_one(dst, s * src[0]); k = 1; }
    const __m128d scale = _mm_set1_pd(s);
    for (; k + 2 <= n; k += 2) _mm_stream_pd(dst + k, _mm_mul_pd(scale, _mm_loadu_pd(src + k)));
    if (k < n) stream_one(dst + k, s * src[k]);
}

__attribute__((constructor)) static void biaslab_vector_kernels_startup(void) {
    const char *forced = getenv("BIASLAB_PORTABLE_KERNELS");
    forcedPortable = forced && strcmp(forced, "1") == 0;
    if (forcedPortable) return;
    void *mvec = dlopen("libmvec.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!mvec) return;
    tanh2 = (tanh2_fn)dlsym(mvec, "_ZGVbN2v_tanh");
    if (tanh2 && __builtin_cpu_supports("avx2")) tanh4 = (tanh4_fn)dlsym(mvec, "_ZGVdN4v_tanh");
}

int biaslab_portable_kernels(void) { return forcedPortable || tanh2 == NULL; }

void biaslab_vector_tanh(const double *x, double *y, long n) {
    if (tanh4) tanh_avx2(x, y, n);
    else if (tanh2) tanh_sse2(x, y, n);
    else tanh_plain(x, y, n);
}

void biaslab_stream_scaled(double *dst, const double *src, double s, long n) {
    if (forcedPortable) stream_plain(dst, src, s, n);
    else stream_sse2(dst, src, s, n);
}

void biaslab_store_fence(void) {
    if (!forcedPortable) _mm_sfence();
}
#else
int biaslab_portable_kernels(void) { return 1; }
void biaslab_vector_tanh(const double *x, double *y, long n) { tanh_plain(x, y, n); }
void biaslab_stream_scaled(double *dst, const double *src, double s, long n) { stream_plain(dst, src, s, n); }
void biaslab_store_fence(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
#endif
