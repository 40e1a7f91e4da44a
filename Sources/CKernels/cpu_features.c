// Run-time CPU feature detection and the switch that lets tests force a slower path.
#include "CKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static int detect(void) {
    unsigned a, b, c, d;
    int features = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int osxsave = (c >> 27) & 1;
    if (!osxsave) return 0;
    unsigned xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    int avx_state = (xcr0_lo & 0x6) == 0x6;
    int avx512_state = (xcr0_lo & 0xE6) == 0xE6;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    int avx2 = (b >> 5) & 1, fma = 0;
    unsigned a1, b1, c1, d1;
    if (__get_cpuid(1, &a1, &b1, &c1, &d1)) fma = (c1 >> 12) & 1;
    if (avx_state && avx2 && fma) features |= MF_CPU_AVX2;
    int avx512f = (b >> 16) & 1, avx512bw = (b >> 30) & 1, vnni = (c >> 11) & 1;
    if (avx512_state && avx512f && avx512bw && (features & MF_CPU_AVX2)) {
        features |= MF_CPU_AVX512;
        if (vnni) features |= MF_CPU_AVX512_VNNI;
    }
    return features;
}
#else
static int detect(void) { return 0; }
#endif

static int detected = -1;
static int allowed = -1;

int mf_cpu_features(void) {
    if (detected < 0) detected = detect();
    return detected & (allowed < 0 ? ~0 : allowed);
}

void mf_set_cpu_feature_mask(int mask) { allowed = mask; }

const char *mf_kernel_name(void) {
    int f = mf_cpu_features();
    if (f & MF_CPU_AVX512_VNNI) return "avx512-vnni";
    if (f & MF_CPU_AVX2) return "avx2";
    return "portable";
}
