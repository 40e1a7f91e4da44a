// Scalar rounding shared by the quantization kernels (not exported).
#ifndef MASKFILL_ROUNDING_H
#define MASKFILL_ROUNDING_H

// Round to nearest, ties to even, for |v| < 2^22, without a libm call (baseline x86-64 has no
// rounding instruction, so nearbyintf is a function call per element); it vectorizes.
static inline float round_even(float v) {
    const float magic = 12582912.0f;  // 1.5 * 2^23
    return (v + magic) - magic;
}

#endif
