// The BLAS kernel set: which one the BLAS chose, which one the CPU supports, and the correction made
// once, at load time, before any thread or any BLAS call of BiasLab's exists.
//
// OpenBLAS built with DYNAMIC_ARCH (Debian's) picks its kernels in its own load-time constructor from
// cpuid; 0.3.21 does not know some recent CPUs and falls back to its generic Prescott kernels (≈ 3.5× slower
// dgemm). OpenBLAS reads OPENBLAS_CORETYPE only in that constructor, so this file's constructor, which runs
// after it (OpenBLAS is a shared library the program depends on), sets the variable, asks OpenBLAS to choose
// again (gotoblas_dynamic_quit/init, found with dlsym so any other BLAS links too), restores the environment,
// and checks the new kernels against plain loops, switching back if they disagree.
#define _GNU_SOURCE
#include "biaslab_platform.h"
#include <cblas.h>
#include <dlfcn.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct { const char *name; int level; } kernel_level;
static const kernel_level kernelLevels[] = {
    {"SkylakeX", 4}, {"Cooperlake", 4}, {"SapphireRapids", 4},
    {"Haswell", 3}, {"Zen", 3}, {"Excavator", 3},
    {"Sandybridge", 2}, {"Bulldozer", 2}, {"Piledriver", 2}, {"Steamroller", 2},
    {"Prescott", 1}, {"Core2", 1}, {"Penryn", 1}, {"Dunnington", 1}, {"Nehalem", 1}, {"Atom", 1},
    {"Opteron", 1}, {"Opteron_SSE3", 1}, {"Barcelona", 1}, {"Bobcat", 1}, {"Nano", 1}, {"Katmai", 1},
    {"Coppermine", 1}, {"Northwood", 1}, {"Banias", 1}, {"Athlon", 1},
};

int biaslab_kernel_level(const char *corename) {
    if (!corename) return 0;
    for (size_t k = 0; k < sizeof kernelLevels / sizeof kernelLevels[0]; k++)
        if (strcasecmp(corename, kernelLevels[k].name) == 0) return kernelLevels[k].level;
    return 0;
}

int biaslab_cpu_kernel_level(const biaslab_cpu *cpu) {
    const uint32_t avx512 = BIASLAB_CPU_AVX512F | BIASLAB_CPU_AVX512DQ | BIASLAB_CPU_AVX512CD | BIASLAB_CPU_AVX512BW | BIASLAB_CPU_AVX512VL;
    if ((cpu->features & avx512) == avx512) return 4;
    if ((cpu->features & (BIASLAB_CPU_AVX2 | BIASLAB_CPU_FMA)) == (BIASLAB_CPU_AVX2 | BIASLAB_CPU_FMA)) return 3;
    if (cpu->features & BIASLAB_CPU_AVX) return 2;
    return 1;
}

const char *biaslab_kernel_choice(const char *corename, const biaslab_cpu *cpu) {
    int chosen = biaslab_kernel_level(corename);
    int supported = biaslab_cpu_kernel_level(cpu);
    if (chosen == 0 || chosen >= supported) return NULL;
    switch (supported) {
    case 4: return "SkylakeX";
    case 3: return (strcmp(cpu->vendor, "AuthenticAMD") == 0 || strcmp(cpu->vendor, "HygonGenuine") == 0) ? "Zen" : "Haswell";
    case 2: return "SandyBridge";
    default: return NULL;
    }
}

// MARK: OpenBLAS entry points, found at run time

typedef char *(*string_fn)(void);
typedef void (*void_fn)(void);

static const char *call_string(const char *symbol) {
    string_fn fn = (string_fn)dlsym(RTLD_DEFAULT, symbol);
    const char *s = fn ? fn() : NULL;
    return s ? s : "";
}

const char *biaslab_blas_corename(void) { return call_string("openblas_get_corename"); }

/// The `gotoblas_<NAME>` table of a kernel set, upper-cased, exists in this build.
static int kernel_set_built(const char *name) {
    char symbol[64] = "gotoblas_";
    size_t n = strlen(symbol);
    for (size_t k = 0; name[k] && n + 1 < sizeof symbol; k++, n++) symbol[n] = (char)((name[k] >= 'a' && name[k] <= 'z') ? name[k] - 32 : name[k]);
    symbol[n] = 0;
    return dlsym(RTLD_DEFAULT, symbol) != NULL;
}

/// Asks OpenBLAS to choose its kernels again with OPENBLAS_CORETYPE=name, then restores the environment.
/// Returns 0 when OpenBLAS cannot (not a DYNAMIC_ARCH build, or no such kernel set in it).
static int switch_kernels(const char *name) {
    void_fn quit = (void_fn)dlsym(RTLD_DEFAULT, "gotoblas_dynamic_quit");
    void_fn init = (void_fn)dlsym(RTLD_DEFAULT, "gotoblas_dynamic_init");
    if (!quit || !init || !kernel_set_built(name)) return 0;
    setenv("OPENBLAS_CORETYPE", name, 1);
    quit();
    init();
    unsetenv("OPENBLAS_CORETYPE");
    return 1;
}

// MARK: Correctness check

/// A small deterministic sequence in [−1, 1).
static double draw(unsigned *state) {
    *state = *state * 1664525u + 1013904223u;
    return (double)(*state >> 8) / (double)(1u << 23) - 1.0;
}

double biaslab_blas_check(void) {
    enum { M = 37, K = 29, N = 23 };  // odd sizes reach the kernels' edge cases
    double a[M * K], b[K * N], c[M * N], x[K], y[M];
    unsigned s = 12345u;
    for (int i = 0; i < M * K; i++) a[i] = draw(&s);
    for (int i = 0; i < K * N; i++) b[i] = draw(&s);
    for (int i = 0; i < K; i++) x[i] = draw(&s);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0, a, K, b, N, 0.0, c, N);
    cblas_dgemv(CblasRowMajor, CblasNoTrans, M, K, 1.0, a, K, x, 1, 0.0, y, 1);
    double worst = 0;
    for (int i = 0; i < M; i++) {
        for (int j = 0; j < N; j++) {
            double ref = 0, size = 0;
            for (int k = 0; k < K; k++) { ref += a[i * K + k] * b[k * N + j]; size += fabs(a[i * K + k] * b[k * N + j]); }
            double e = fabs(c[i * N + j] - ref) / (size > 0 ? size : 1);
            if (!(e <= worst)) worst = e;  // NaN counts as the worst
        }
        double ref = 0, size = 0;
        for (int k = 0; k < K; k++) { ref += a[i * K + k] * x[k]; size += fabs(a[i * K + k] * x[k]); }
        double e = fabs(y[i] - ref) / (size > 0 ? size : 1);
        if (!(e <= worst)) worst = e;
        double dot = cblas_ddot(K, a + i * K, 1, x, 1);
        e = fabs(dot - ref) / (size > 0 ? size : 1);
        if (!(e <= worst)) worst = e;
    }
    return worst;
}

// MARK: Start-up

static biaslab_blas_state state;

const biaslab_blas_state *biaslab_blas_startup_state(void) { return &state; }

static void copy(char *dst, size_t size, const char *src) {
    strncpy(dst, src, size - 1);
    dst[size - 1] = 0;
}

__attribute__((constructor)) static void biaslab_blas_startup(void) {
    copy(state.config, sizeof state.config, call_string("openblas_get_config"));
    const char *userSet = getenv("OPENBLAS_CORETYPE");
    // Test hook: make the BLAS start on a given (generic) set, as if it had fallen back to it.
    const char *simulated = getenv("BIASLAB_BLAS_SIMULATE_FALLBACK");
    if (!userSet && simulated && *simulated) switch_kernels(simulated);
    copy(state.initial, sizeof state.initial, biaslab_blas_corename());
    copy(state.final, sizeof state.final, state.initial);
    const char *setting = getenv("BIASLAB_BLAS_CORRECTION");
    if (userSet) { state.outcome = BIASLAB_KERNELS_USER_SET; return; }
    if (setting && strcmp(setting, "off") == 0) { state.outcome = BIASLAB_KERNELS_DISABLED; return; }
    biaslab_cpu cpu;
    biaslab_cpu_identify(&cpu);
    const char *choice = biaslab_kernel_choice(state.initial, &cpu);
    if (!choice) { state.outcome = BIASLAB_KERNELS_KEPT; return; }
    if (!switch_kernels(choice)) { state.outcome = BIASLAB_KERNELS_UNAVAILABLE; return; }
    state.check_error = biaslab_blas_check();
    if (!(state.check_error <= 1e-13)) {
        switch_kernels(state.initial);
        state.outcome = BIASLAB_KERNELS_CHECK_FAILED;
    } else {
        state.outcome = BIASLAB_KERNELS_CORRECTED;
    }
    copy(state.final, sizeof state.final, biaslab_blas_corename());
}
