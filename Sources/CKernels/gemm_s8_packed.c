// int8 products with weights repacked for VNNI: blocks of 16 output rows, each 64-byte chunk
// holding 4 consecutive inputs of those 16 rows. One chunk load feeds a broadcast of 4
// activation bytes per row, and each accumulator holds 16 finished outputs: no horizontal
// reductions (the row-major kernel in gemm_s8.c spends a third of its time on them).
#include "CKernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

int mf_packed_s8_size(int outputs, int depth) {
    int blocks = (outputs + 15) / 16;
    int groups = (depth + 3) / 4;
    return blocks * groups * 64;
}

void mf_pack_s8(const int8_t *w, int ldw, int outputs, int depth, int8_t *packed) {
    int blocks = (outputs + 15) / 16;
    int groups = (depth + 3) / 4;
    memset(packed, 0, (size_t)blocks * groups * 64);
    for (int b = 0; b < blocks; b++)
        for (int g = 0; g < groups; g++) {
            int8_t *chunk = packed + ((size_t)b * groups + g) * 64;
            for (int lane = 0; lane < 16; lane++) {
                int o = b * 16 + lane;
                if (o >= outputs) break;
                for (int k = 0; k < 4; k++) {
                    int i = g * 4 + k;
                    if (i < depth) chunk[lane * 4 + k] = w[(size_t)o * ldw + i];
                }
            }
        }
}

#if defined(__x86_64__)
#define PACKED_ROWS 8

__attribute__((target("avx512f,avx512bw,avx512vnni"), always_inline)) static inline void
packed_tile(const uint8_t *x, int ldx, int nt, const int8_t *block, int groups, __m512i correction, int32_t *y,
            int ldy, int o, int no) {
    __m512i acc[PACKED_ROWS];
    for (int t = 0; t < PACKED_ROWS; t++) acc[t] = _mm512_setzero_si512();
    for (int g = 0; g < groups; g++) {
        __m512i wv = _mm512_loadu_si512(block + (size_t)g * 64);
        for (int t = 0; t < PACKED_ROWS; t++) {
            if (t >= nt) break;
            int32_t four;
            memcpy(&four, x + (size_t)t * ldx + 4 * g, 4);
            acc[t] = _mm512_dpbusd_epi32(acc[t], _mm512_set1_epi32(four), wv);
        }
    }
    __mmask16 m = no >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << no) - 1);
    for (int t = 0; t < nt; t++) _mm512_mask_storeu_epi32(y + (size_t)t * ldy + o, m, _mm512_sub_epi32(acc[t], correction));
}

__attribute__((target("avx512f,avx512bw,avx512vnni"))) static void
gemm_packed_vnni(const int8_t *x_signed, int ldx_signed, int rows, const int8_t *packed, const int32_t *w_sums,
                 int depth, int outputs, int block_begin, int block_end, int32_t *y, int ldy) {
    // Activations as unsigned bytes (x + 128), padded to whole groups of 4 with the zero code 128
    // (its products meet zero weights in the padding).
    int groups = (depth + 3) / 4;
    int ldx = groups * 4;
    uint8_t stack_buffer[16 * 1024];
    size_t bytes = (size_t)rows * ldx;
    uint8_t *x = bytes <= sizeof stack_buffer ? stack_buffer : (uint8_t *)malloc(bytes);
    if (!x) return;
    for (int t = 0; t < rows; t++) {
        for (int i = 0; i < ldx; i++)
            x[(size_t)t * ldx + i] = i < depth ? (uint8_t)(x_signed[(size_t)t * ldx_signed + i] ^ 0x80) : 0x80;
    }
    for (int b = block_begin; b < block_end; b++) {
        int o = b * 16;
        int no = outputs - o < 16 ? outputs - o : 16;
        __mmask16 m = no >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << no) - 1);
        __m512i correction = _mm512_slli_epi32(_mm512_maskz_loadu_epi32(m, w_sums + o), 7);
        const int8_t *block = packed + (size_t)b * groups * 64;
        for (int t0 = 0; t0 < rows; t0 += PACKED_ROWS) {
            int nt = rows - t0 < PACKED_ROWS ? rows - t0 : PACKED_ROWS;
            const uint8_t *xt = x + (size_t)t0 * ldx;
            int32_t *yt = y + (size_t)t0 * ldy;
            switch (nt) {  // constant row counts keep the accumulators in registers
            case 8: packed_tile(xt, ldx, 8, block, groups, correction, yt, ldy, o, no); break;
            case 7: packed_tile(xt, ldx, 7, block, groups, correction, yt, ldy, o, no); break;
            case 6: packed_tile(xt, ldx, 6, block, groups, correction, yt, ldy, o, no); break;
            case 5: packed_tile(xt, ldx, 5, block, groups, correction, yt, ldy, o, no); break;
            case 4: packed_tile(xt, ldx, 4, block, groups, correction, yt, ldy, o, no); break;
            case 3: packed_tile(xt, ldx, 3, block, groups, correction, yt, ldy, o, no); break;
            case 2: packed_tile(xt, ldx, 2, block, groups, correction, yt, ldy, o, no); break;
            default: packed_tile(xt, ldx, 1, block, groups, correction, yt, ldy, o, no); break;
            }
        }
    }
    if (x != stack_buffer) free(x);
}
#endif

int mf_packed_s8_available(void) {
#if defined(__x86_64__)
    return (mf_cpu_features() & MF_CPU_AVX512_VNNI) != 0;
#else
    return 0;
#endif
}

// Reference loops over the packed layout: weights packed on a VNNI machine stay usable if the
// kernels are later limited to other paths (tests do this).
static void gemm_packed_portable(const int8_t *x, int ldx, int rows, const int8_t *packed, int depth, int outputs,
                                 int block_begin, int block_end, int32_t *y, int ldy) {
    int groups = (depth + 3) / 4;
    for (int b = block_begin; b < block_end; b++)
        for (int lane = 0; lane < 16 && b * 16 + lane < outputs; lane++)
            for (int t = 0; t < rows; t++) {
                int32_t sum = 0;
                for (int i = 0; i < depth; i++)
                    sum += (int32_t)x[(size_t)t * ldx + i] * packed[((size_t)b * groups + i / 4) * 64 + lane * 4 + i % 4];
                y[(size_t)t * ldy + b * 16 + lane] = sum;
            }
}

void mf_gemm_s8_packed(const int8_t *x, int ldx, int rows, const int8_t *packed, const int32_t *w_sums, int depth,
                       int outputs, int block_begin, int block_end, int32_t *y, int ldy) {
    if (rows <= 0 || block_end <= block_begin) return;
#if defined(__x86_64__)
    if (mf_packed_s8_available()) {
        gemm_packed_vnni(x, ldx, rows, packed, w_sums, depth, outputs, block_begin, block_end, y, ldy);
        return;
    }
#endif
    (void)w_sums;
    gemm_packed_portable(x, ldx, rows, packed, depth, outputs, block_begin, block_end, y, ldy);
}
