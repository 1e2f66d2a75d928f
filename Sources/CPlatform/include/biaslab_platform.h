// BiasLab's platform layer in C: what the CPU supports (cpuid), the cores the process may use, the BLAS
// kernel set (and its correction at load time), and the few vector kernels that need intrinsics. Every
// x86-64-only part sits behind `#if defined(__x86_64__)` with a plain fallback, so the package compiles
// on aarch64; `BIASLAB_PORTABLE_KERNELS=1` forces the fallback on x86-64 too (tests run it that way).
#ifndef BIASLAB_PLATFORM_H
#define BIASLAB_PLATFORM_H

#include <stdint.h>

// MARK: CPU

/// Feature bits of `biaslab_cpu.features` (each set only when the CPU has it and, for AVX and AVX-512,
/// the operating system saves the wider registers: XCR0 checked through xgetbv).
enum {
    BIASLAB_CPU_SSE2 = 1 << 0,
    BIASLAB_CPU_SSE3 = 1 << 1,
    BIASLAB_CPU_SSSE3 = 1 << 2,
    BIASLAB_CPU_SSE4_1 = 1 << 3,
    BIASLAB_CPU_SSE4_2 = 1 << 4,
    BIASLAB_CPU_AVX = 1 << 5,
    BIASLAB_CPU_FMA = 1 << 6,
    BIASLAB_CPU_AVX2 = 1 << 7,
    BIASLAB_CPU_AVX512F = 1 << 8,
    BIASLAB_CPU_AVX512DQ = 1 << 9,
    BIASLAB_CPU_AVX512CD = 1 << 10,
    BIASLAB_CPU_AVX512BW = 1 << 11,
    BIASLAB_CPU_AVX512VL = 1 << 12,
};

/// What cpuid says (x86-64); on other architectures vendor and brand are empty and features 0.
typedef struct {
    char vendor[16];   // "GenuineIntel", "AuthenticAMD", …
    char brand[52];    // the processor brand string
    int family;        // display family (base + extended)
    int model;         // display model (base + extended for families 6 and 15)
    uint32_t features; // BIASLAB_CPU_* bits
} biaslab_cpu;

/// Fills `out` from cpuid (zeros where the architecture has no cpuid).
void biaslab_cpu_identify(biaslab_cpu *out);

/// Processors in this process's affinity mask (sched_getaffinity), or 0 where unavailable.
int biaslab_affinity_cpu_count(void);

// MARK: BLAS kernel set

/// The vector-instruction level of an OpenBLAS x86-64 kernel set, by its `openblas_get_corename()`:
/// 4 AVX-512 (SkylakeX, Cooperlake, SapphireRapids), 3 AVX2 + FMA (Haswell, Zen, Excavator), 2 AVX
/// (SandyBridge, Bulldozer, Piledriver, Steamroller), 1 SSE-only generic sets (Prescott, Core2, Nehalem, …),
/// 0 a name not known here.
int biaslab_kernel_level(const char *corename);

/// The level a CPU supports (same scale): 4 AVX-512 F/DQ/CD/BW/VL, 3 AVX2 + FMA, 2 AVX, 1 otherwise.
int biaslab_cpu_kernel_level(const biaslab_cpu *cpu);

/// The kernel set BiasLab switches to when the BLAS chose `corename` on `cpu`: the set of the CPU's level
/// (SkylakeX; Zen on AMD or Hygon and Haswell elsewhere; SandyBridge) when the chosen set's known level is
/// below it, else NULL (keep the BLAS's choice; an unknown name is kept too).
const char *biaslab_kernel_choice(const char *corename, const biaslab_cpu *cpu);

/// What happened to the BLAS kernel set when the process started (see `biaslab_blas_startup`).
typedef enum {
    BIASLAB_KERNELS_KEPT = 0,          // the BLAS's own choice is already the best this CPU supports
    BIASLAB_KERNELS_CORRECTED = 1,     // switched from `initial` to `final`, and the check passed
    BIASLAB_KERNELS_USER_SET = 2,      // OPENBLAS_CORETYPE was set by the user: respected, not touched
    BIASLAB_KERNELS_DISABLED = 3,      // BIASLAB_BLAS_CORRECTION=off
    BIASLAB_KERNELS_UNAVAILABLE = 4,   // the BLAS cannot switch kernel sets (not OpenBLAS with DYNAMIC_ARCH)
    BIASLAB_KERNELS_CHECK_FAILED = 5,  // switched, but the products disagreed with plain loops: switched back
} biaslab_kernel_outcome;

typedef struct {
    biaslab_kernel_outcome outcome;
    char initial[32];  // the kernel set the BLAS chose at load time ("" where it does not say)
    char final[32];    // the kernel set in use after start-up
    char config[160];  // openblas_get_config(), or "" for another BLAS
    double check_error; // the largest relative error of the correctness check (0 when none ran)
} biaslab_blas_state;

/// The state recorded at load time.
const biaslab_blas_state *biaslab_blas_startup_state(void);

/// The kernel set in use now (openblas_get_corename()), or "" for a BLAS that does not say.
const char *biaslab_blas_corename(void);

/// Checks dgemm, dgemv and ddot on small odd-sized inputs against plain loops; returns the largest
/// relative error (about 1e-16 when the kernels are right).
double biaslab_blas_check(void);

// MARK: Vector kernels

/// 1 when the plain (portable) kernels are in use: on architectures other than x86-64, when libmvec is
/// missing, or when BIASLAB_PORTABLE_KERNELS=1 at start-up.
int biaslab_portable_kernels(void);

/// y[i] = tanh(x[i]) for i < n: glibc's libmvec (AVX2 four lanes, else SSE2 two lanes; < 4 ulp) on
/// x86-64, libm's tanh elsewhere or when the portable kernels are forced.
void biaslab_vector_tanh(const double *x, double *y, long n);

/// dst[k] = s · src[k] for k < n: streaming (non-temporal) stores on x86-64, ordinary stores elsewhere.
/// Call biaslab_store_fence() after the last one.
void biaslab_stream_scaled(double *dst, const double *src, double s, long n);

/// Orders every streaming store before later loads and stores (sfence on x86-64; a full fence elsewhere).
void biaslab_store_fence(void);

// MARK: Standard streams

/// Flushes stdout; 0 when everything written so far reached it, else the errno of the failure (e.g. ENOSPC
/// for `> /dev/full`).
int biaslab_flush_stdout(void);

/// Writes n bytes to stderr (unbuffered, retrying on EINTR); failures are ignored.
void biaslab_write_stderr(const char *text, long n);

// MARK: Processes

/// Asks the kernel to send `signal` to this process when its parent dies (Linux
/// `prctl(PR_SET_PDEATHSIG)`); 0 on success, -1 where unsupported or on failure.
int biaslab_set_parent_death_signal(int signal);

#endif
