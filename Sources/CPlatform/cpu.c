// cpuid and the affinity mask: what the CPU supports and which processors this process may use.
#define _GNU_SOURCE
#include "biaslab_platform.h"
#include <sched.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>

/// XCR0, the register state the operating system saves (valid only when cpuid says OSXSAVE).
static uint64_t xcr0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}
#endif

void biaslab_cpu_identify(biaslab_cpu *out) {
    memset(out, 0, sizeof *out);
#if defined(__x86_64__)
    unsigned a, b, c, d;
    unsigned maxLeaf = __get_cpuid_max(0, 0);
    if (maxLeaf == 0) return;
    __cpuid(0, a, b, c, d);
    memcpy(out->vendor, &b, 4);
    memcpy(out->vendor + 4, &d, 4);
    memcpy(out->vendor + 8, &c, 4);
    __cpuid(1, a, b, c, d);
    int baseFamily = (a >> 8) & 0xf, baseModel = (a >> 4) & 0xf;
    out->family = baseFamily == 0xf ? baseFamily + (int)((a >> 20) & 0xff) : baseFamily;
    out->model = (baseFamily == 6 || baseFamily == 0xf) ? (int)(((a >> 16) & 0xf) << 4) | baseModel : baseModel;
    uint32_t f = 0;
    if (d & (1u << 26)) f |= BIASLAB_CPU_SSE2;
    if (c & (1u << 0)) f |= BIASLAB_CPU_SSE3;
    if (c & (1u << 9)) f |= BIASLAB_CPU_SSSE3;
    if (c & (1u << 19)) f |= BIASLAB_CPU_SSE4_1;
    if (c & (1u << 20)) f |= BIASLAB_CPU_SSE4_2;
    int osxsave = (c >> 27) & 1;
    uint64_t xcr = osxsave ? xcr0() : 0;
    int ymmSaved = (xcr & 0x6) == 0x6;    // SSE and AVX state
    int zmmSaved = (xcr & 0xe6) == 0xe6;  // plus opmask, ZMM_Hi256, Hi16_ZMM
    if (ymmSaved && (c & (1u << 28))) f |= BIASLAB_CPU_AVX;
    if (ymmSaved && (c & (1u << 12))) f |= BIASLAB_CPU_FMA;
    if (maxLeaf >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        if (ymmSaved && (b & (1u << 5))) f |= BIASLAB_CPU_AVX2;
        if (zmmSaved) {
            if (b & (1u << 16)) f |= BIASLAB_CPU_AVX512F;
            if (b & (1u << 17)) f |= BIASLAB_CPU_AVX512DQ;
            if (b & (1u << 28)) f |= BIASLAB_CPU_AVX512CD;
            if (b & (1u << 30)) f |= BIASLAB_CPU_AVX512BW;
            if (b & (1u << 31)) f |= BIASLAB_CPU_AVX512VL;
        }
    }
    out->features = f;
    if (__get_cpuid_max(0x80000000, 0) >= 0x80000004) {
        unsigned regs[12];
        for (unsigned k = 0; k < 3; k++) __cpuid(0x80000002 + k, regs[4 * k], regs[4 * k + 1], regs[4 * k + 2], regs[4 * k + 3]);
        memcpy(out->brand, regs, 48);
        out->brand[48] = 0;
    }
#endif
}

int biaslab_affinity_cpu_count(void) {
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
#endif
    return 0;
}
