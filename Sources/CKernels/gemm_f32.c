// fp32 products of activation rows with weight rows (row-major, as Hugging Face stores them):
// the reference precision, and attention's score and context products.
#include "CKernels.h"
#include "vector_math.h"

#include <stddef.h>

#if defined(__x86_64__)
#include <immintrin.h>

#define TILE_ROWS 6
#define TILE_OUT 4

__attribute__((target("avx512f,avx512bw,fma"), always_inline)) static inline void
f32_tile_avx512(const float *x, int ldx, int nt, const float *w, int ldw, int depth, int o, int no, float *y, int ldy) {
    __m512 acc[TILE_OUT][TILE_ROWS];
    for (int j = 0; j < TILE_OUT; j++)
        for (int t = 0; t < TILE_ROWS; t++) acc[j][t] = _mm512_setzero_ps();
    for (int i = 0; i < depth; i += 16) {
        __mmask16 m = depth - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (depth - i)) - 1);
        __m512 wv[TILE_OUT];
        for (int j = 0; j < TILE_OUT; j++)
            wv[j] = j < no ? _mm512_maskz_loadu_ps(m, w + (size_t)(o + j) * ldw + i) : _mm512_setzero_ps();
        for (int t = 0; t < TILE_ROWS; t++) {
            if (t >= nt) break;
            __m512 xv = _mm512_maskz_loadu_ps(m, x + (size_t)t * ldx + i);
            for (int j = 0; j < TILE_OUT; j++) acc[j][t] = _mm512_fmadd_ps(xv, wv[j], acc[j][t]);
        }
    }
    for (int j = 0; j < no; j++)
        for (int t = 0; t < nt; t++) y[(size_t)t * ldy + o + j] = _mm512_reduce_add_ps(acc[j][t]);
}

__attribute__((target("avx512f,avx512bw,fma"))) static void gemm_avx512(const float *x, int ldx, int rows,
                                                                       const float *w, int ldw, int depth, int o_begin,
                                                                       int o_end, float *y, int ldy) {
    // Weight rows outermost: each block is read from memory once and reused from L1.
    for (int o = o_begin; o < o_end; o += TILE_OUT) {
        int no = o_end - o < TILE_OUT ? o_end - o : TILE_OUT;
        for (int t0 = 0; t0 < rows; t0 += TILE_ROWS) {
            int nt = rows - t0 < TILE_ROWS ? rows - t0 : TILE_ROWS;
            const float *xt = x + (size_t)t0 * ldx;
            float *yt = y + (size_t)t0 * ldy;
            switch (nt) {
            case 6: f32_tile_avx512(xt, ldx, 6, w, ldw, depth, o, no, yt, ldy); break;
            case 5: f32_tile_avx512(xt, ldx, 5, w, ldw, depth, o, no, yt, ldy); break;
            case 4: f32_tile_avx512(xt, ldx, 4, w, ldw, depth, o, no, yt, ldy); break;
            case 3: f32_tile_avx512(xt, ldx, 3, w, ldw, depth, o, no, yt, ldy); break;
            case 2: f32_tile_avx512(xt, ldx, 2, w, ldw, depth, o, no, yt, ldy); break;
            default: f32_tile_avx512(xt, ldx, 1, w, ldw, depth, o, no, yt, ldy); break;
            }
        }
    }
}

// AVX2: 4 activation rows by 3 weight rows, so the 12 accumulators, 3 weight vectors and x
// use all 16 registers; weight rows outermost as in the AVX-512 path.
#define AVX2_ROWS 4
#define AVX2_OUT 3

__attribute__((target("avx2,fma"), always_inline)) static inline void
f32_tile_avx2(const float *x, int ldx, int nt, const float *w, int ldw, int depth, int o, int no, float *y, int ldy) {
    __m256 acc[AVX2_OUT][AVX2_ROWS];
    for (int j = 0; j < AVX2_OUT; j++)
        for (int t = 0; t < AVX2_ROWS; t++) acc[j][t] = _mm256_setzero_ps();
    const float *wr[AVX2_OUT];
    for (int j = 0; j < AVX2_OUT; j++) wr[j] = w + (size_t)(o + (j < no ? j : 0)) * ldw;
    int body = depth & ~7;
    for (int i = 0; i < body; i += 8) {
        __m256 wv[AVX2_OUT];
        for (int j = 0; j < AVX2_OUT; j++) wv[j] = _mm256_loadu_ps(wr[j] + i);
        for (int t = 0; t < AVX2_ROWS; t++) {
            if (t >= nt) break;
            __m256 xv = _mm256_loadu_ps(x + (size_t)t * ldx + i);
            for (int j = 0; j < AVX2_OUT; j++) acc[j][t] = _mm256_fmadd_ps(xv, wv[j], acc[j][t]);
        }
    }
    for (int j = 0; j < no; j++) {
        for (int t = 0; t < nt; t++) {
            float sum = mf_hsum256(acc[j][t]);
            const float *xr = x + (size_t)t * ldx;
            for (int i = body; i < depth; i++) sum += xr[i] * wr[j][i];
            y[(size_t)t * ldy + o + j] = sum;
        }
    }
}

__attribute__((target("avx2,fma"))) static void gemm_avx2(const float *x, int ldx, int rows, const float *w, int ldw,
                                                         int depth, int o_begin, int o_end, float *y, int ldy) {
    for (int o = o_begin; o < o_end; o += AVX2_OUT) {
        int no = o_end - o < AVX2_OUT ? o_end - o : AVX2_OUT;
        for (int t0 = 0; t0 < rows; t0 += AVX2_ROWS) {
            int nt = rows - t0 < AVX2_ROWS ? rows - t0 : AVX2_ROWS;
            const float *xt = x + (size_t)t0 * ldx;
            float *yt = y + (size_t)t0 * ldy;
            switch (nt) {
            case 4: f32_tile_avx2(xt, ldx, 4, w, ldw, depth, o, no, yt, ldy); break;
            case 3: f32_tile_avx2(xt, ldx, 3, w, ldw, depth, o, no, yt, ldy); break;
            case 2: f32_tile_avx2(xt, ldx, 2, w, ldw, depth, o, no, yt, ldy); break;
            default: f32_tile_avx2(xt, ldx, 1, w, ldw, depth, o, no, yt, ldy); break;
            }
        }
    }
}
#endif

static void gemm_portable(const float *x, int ldx, int rows, const float *w, int ldw, int depth, int o_begin,
                          int o_end, float *y, int ldy) {
    for (int t = 0; t < rows; t++) {
        const float *xr = x + (size_t)t * ldx;
        for (int o = o_begin; o < o_end; o++) {
            const float *wr = w + (size_t)o * ldw;
            float sum = 0;
            for (int i = 0; i < depth; i++) sum += xr[i] * wr[i];
            y[(size_t)t * ldy + o] = sum;
        }
    }
}

void mf_gemm_f32(const float *x, int ldx, int rows, const float *w, int ldw, int depth, int o_begin, int o_end,
                 float *y, int ldy) {
    if (rows <= 0 || o_end <= o_begin) return;
#if defined(__x86_64__)
    int features = mf_cpu_features();
    if (features & MF_CPU_AVX512) {
        gemm_avx512(x, ldx, rows, w, ldw, depth, o_begin, o_end, y, ldy);
        return;
    }
    if (features & MF_CPU_AVX2) {
        gemm_avx2(x, ldx, rows, w, ldw, depth, o_begin, o_end, y, ldy);
        return;
    }
#endif
    gemm_portable(x, ldx, rows, w, ldw, depth, o_begin, o_end, y, ldy);
}
