// int8 x int8 -> int32 products of activation rows with weight rows (both row-major, the
// layout Hugging Face stores Linear weights in, so the mmapped int8 file is used as is).
// Each weight chunk is loaded once and used for a tile of up to 6 activation rows.
#include "CKernels.h"

#include <stddef.h>
#include <stdlib.h>

#if defined(__x86_64__)
#include <immintrin.h>

#define TILE_ROWS 6
#define TILE_OUT 4

// Sums of each of four vectors' 16 lanes, as one 4-lane vector (a transpose-and-add tree:
// far fewer instructions than four separate reductions).
__attribute__((target("avx512f,avx512bw,avx512vnni"), always_inline)) static inline __m128i
reduce4(__m512i a, __m512i b, __m512i c, __m512i d) {
    __m512i ab = _mm512_add_epi32(_mm512_unpacklo_epi32(a, b), _mm512_unpackhi_epi32(a, b));
    __m512i cd = _mm512_add_epi32(_mm512_unpacklo_epi32(c, d), _mm512_unpackhi_epi32(c, d));
    __m512i abcd = _mm512_add_epi32(_mm512_unpacklo_epi64(ab, cd), _mm512_unpackhi_epi64(ab, cd));
    // Each 128-bit lane now holds partial [a, b, c, d]; add the four lanes.
    __m256i half = _mm256_add_epi32(_mm512_castsi512_si256(abcd), _mm512_extracti64x4_epi64(abcd, 1));
    return _mm_add_epi32(_mm256_castsi256_si128(half), _mm256_extracti128_si256(half, 1));
}

// VNNI multiplies unsigned by signed bytes: the activations arrive as x + 128 (x ^ 0x80,
// flipped once per call) and 128 * sum(w) is subtracted at the end.
// A tile is TILE_OUT weight rows by `nt` activation rows; full 64-byte chunks use plain loads
// and prefetch the weight stream ahead, the last partial chunk a masked load.
__attribute__((target("avx512f,avx512bw,avx512vnni"), always_inline)) static inline void
vnni_tile(const uint8_t *x, int ldx, int nt, const int8_t *w, int ldw, const int32_t *w_sums, int depth, int o,
          int no, int32_t *y, int ldy) {
    __m512i acc[TILE_OUT][TILE_ROWS];
    for (int j = 0; j < TILE_OUT; j++)
        for (int t = 0; t < TILE_ROWS; t++) acc[j][t] = _mm512_setzero_si512();
    const int8_t *wr[TILE_OUT];
    for (int j = 0; j < TILE_OUT; j++) wr[j] = w + (size_t)(o + (j < no ? j : 0)) * ldw;
    int body = depth & ~63;
    for (int i = 0; i < body; i += 64) {
        __m512i wv[TILE_OUT];
        for (int j = 0; j < TILE_OUT; j++) {
            _mm_prefetch((const char *)(wr[j] + i + 512), _MM_HINT_T0);
            wv[j] = _mm512_loadu_si512(wr[j] + i);
        }
        for (int t = 0; t < TILE_ROWS; t++) {
            if (t >= nt) break;
            __m512i xv = _mm512_loadu_si512(x + (size_t)t * ldx + i);
            for (int j = 0; j < TILE_OUT; j++) acc[j][t] = _mm512_dpbusd_epi32(acc[j][t], xv, wv[j]);
        }
    }
    if (body < depth) {
        __mmask64 m = ((__mmask64)1 << (depth - body)) - 1;
        __m512i wv[TILE_OUT];
        for (int j = 0; j < TILE_OUT; j++) wv[j] = _mm512_maskz_loadu_epi8(m, wr[j] + body);
        for (int t = 0; t < TILE_ROWS; t++) {
            if (t >= nt) break;
            __m512i xv = _mm512_maskz_loadu_epi8(m, x + (size_t)t * ldx + body);
            for (int j = 0; j < TILE_OUT; j++) acc[j][t] = _mm512_dpbusd_epi32(acc[j][t], xv, wv[j]);
        }
    }
    if (no == TILE_OUT) {
        __m128i correction = _mm_slli_epi32(_mm_loadu_si128((const __m128i *)(w_sums + o)), 7);
        for (int t = 0; t < nt; t++) {
            __m128i sums = _mm_sub_epi32(reduce4(acc[0][t], acc[1][t], acc[2][t], acc[3][t]), correction);
            _mm_storeu_si128((__m128i *)(y + (size_t)t * ldy + o), sums);
        }
        return;
    }
    for (int j = 0; j < no; j++) {
        int32_t correction = 128 * w_sums[o + j];
        for (int t = 0; t < nt; t++) y[(size_t)t * ldy + o + j] = _mm512_reduce_add_epi32(acc[j][t]) - correction;
    }
}

__attribute__((target("avx512f,avx512bw,avx512vnni"))) static void
gemm_vnni(const int8_t *x_signed, int ldx_signed, int rows, const int8_t *w, int ldw, const int32_t *w_sums, int depth,
          int o_begin, int o_end, int32_t *y, int ldy) {
    // Flip the activations to unsigned once (they are small; the weights are what streams).
    int ldx = (depth + 63) & ~63;
    uint8_t stack_buffer[8 * 3072];
    size_t bytes = (size_t)rows * ldx;
    uint8_t *x = bytes <= sizeof stack_buffer ? stack_buffer : (uint8_t *)malloc(bytes);
    if (!x) return;
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    for (int t = 0; t < rows; t++) {
        for (int i = 0; i < depth; i += 64) {
            __mmask64 m = depth - i >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (depth - i)) - 1);
            __m512i v = _mm512_maskz_loadu_epi8(m, x_signed + (size_t)t * ldx_signed + i);
            _mm512_mask_storeu_epi8(x + (size_t)t * ldx + i, m, _mm512_xor_si512(v, flip));
        }
    }
    // Weight rows outermost: each block of TILE_OUT rows is read from memory once and reused
    // from L1 for every tile of activation rows (the activations stay cached throughout).
    for (int o = o_begin; o < o_end; o += TILE_OUT) {
        int no = o_end - o < TILE_OUT ? o_end - o : TILE_OUT;
        for (int t0 = 0; t0 < rows; t0 += TILE_ROWS) {
            int nt = rows - t0 < TILE_ROWS ? rows - t0 : TILE_ROWS;
            const uint8_t *xt = x + (size_t)t0 * ldx;
            int32_t *yt = y + (size_t)t0 * ldy;
            switch (nt) {  // constant row counts let the compiler keep accumulators in registers
            case 6: vnni_tile(xt, ldx, 6, w, ldw, w_sums, depth, o, no, yt, ldy); break;
            case 5: vnni_tile(xt, ldx, 5, w, ldw, w_sums, depth, o, no, yt, ldy); break;
            case 4: vnni_tile(xt, ldx, 4, w, ldw, w_sums, depth, o, no, yt, ldy); break;
            case 3: vnni_tile(xt, ldx, 3, w, ldw, w_sums, depth, o, no, yt, ldy); break;
            case 2: vnni_tile(xt, ldx, 2, w, ldw, w_sums, depth, o, no, yt, ldy); break;
            default: vnni_tile(xt, ldx, 1, w, ldw, w_sums, depth, o, no, yt, ldy); break;
            }
        }
    }
    if (x != stack_buffer) free(x);
}

__attribute__((target("avx2,fma"))) static inline int32_t hsum_avx2(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

// AVX2 has no u8*s8 dot with 32-bit sums; maddubs with |x| and sign(x)*w keeps pairs within
// int16: |x| ≤ 128 (x = -128 gives the byte 0x80, read as unsigned 128) and |w| ≤ 127, so a
// pair sums to at most 32,512.
// A tile of AVX2_ROWS activation rows by AVX2_OUT weight rows (8 accumulators, the weight
// vectors, x, |x| and the constant fit in 16 registers); |x| is taken once per row and chunk
// and serves every weight row of the tile.
#define AVX2_ROWS 4
#define AVX2_OUT 2

__attribute__((target("avx2,fma"), always_inline)) static inline void
s8_tile_avx2(const int8_t *x, int ldx, int nt, const int8_t *w, int ldw, int depth, int o, int no, int32_t *y,
             int ldy) {
    __m256i acc[AVX2_OUT][AVX2_ROWS];
    for (int j = 0; j < AVX2_OUT; j++)
        for (int t = 0; t < AVX2_ROWS; t++) acc[j][t] = _mm256_setzero_si256();
    const int8_t *wr[AVX2_OUT];
    for (int j = 0; j < AVX2_OUT; j++) wr[j] = w + (size_t)(o + (j < no ? j : 0)) * ldw;
    const __m256i ones = _mm256_set1_epi16(1);
    int body = depth & ~31;
    for (int i = 0; i < body; i += 32) {
        __m256i wv[AVX2_OUT];
        for (int j = 0; j < AVX2_OUT; j++) wv[j] = _mm256_loadu_si256((const __m256i *)(wr[j] + i));
        for (int t = 0; t < AVX2_ROWS; t++) {
            if (t >= nt) break;
            __m256i xv = _mm256_loadu_si256((const __m256i *)(x + (size_t)t * ldx + i));
            __m256i ax = _mm256_sign_epi8(xv, xv);
            for (int j = 0; j < AVX2_OUT; j++) {
                __m256i pairs = _mm256_maddubs_epi16(ax, _mm256_sign_epi8(wv[j], xv));
                acc[j][t] = _mm256_add_epi32(acc[j][t], _mm256_madd_epi16(pairs, ones));
            }
        }
    }
    for (int j = 0; j < no; j++) {
        for (int t = 0; t < nt; t++) {
            int32_t sum = hsum_avx2(acc[j][t]);
            const int8_t *xr = x + (size_t)t * ldx;
            for (int i = body; i < depth; i++) sum += (int32_t)xr[i] * wr[j][i];
            y[(size_t)t * ldy + o + j] = sum;
        }
    }
}

__attribute__((target("avx2,fma"))) static void gemm_avx2(const int8_t *x, int ldx, int rows, const int8_t *w, int ldw,
                                                         int depth, int o_begin, int o_end, int32_t *y, int ldy) {
    // Weight rows outermost, as in the VNNI path: each pair of rows is read once and reused
    // from L1 for every tile of activation rows.
    for (int o = o_begin; o < o_end; o += AVX2_OUT) {
        int no = o_end - o < AVX2_OUT ? o_end - o : AVX2_OUT;
        for (int t0 = 0; t0 < rows; t0 += AVX2_ROWS) {
            int nt = rows - t0 < AVX2_ROWS ? rows - t0 : AVX2_ROWS;
            const int8_t *xt = x + (size_t)t0 * ldx;
            int32_t *yt = y + (size_t)t0 * ldy;
            switch (nt) {  // constant row counts keep the accumulators in registers
            case 4: s8_tile_avx2(xt, ldx, 4, w, ldw, depth, o, no, yt, ldy); break;
            case 3: s8_tile_avx2(xt, ldx, 3, w, ldw, depth, o, no, yt, ldy); break;
            case 2: s8_tile_avx2(xt, ldx, 2, w, ldw, depth, o, no, yt, ldy); break;
            default: s8_tile_avx2(xt, ldx, 1, w, ldw, depth, o, no, yt, ldy); break;
            }
        }
    }
}
#endif

static void gemm_portable(const int8_t *x, int ldx, int rows, const int8_t *w, int ldw, int depth, int o_begin,
                          int o_end, int32_t *y, int ldy) {
    for (int t = 0; t < rows; t++) {
        const int8_t *xr = x + (size_t)t * ldx;
        for (int o = o_begin; o < o_end; o++) {
            const int8_t *wr = w + (size_t)o * ldw;
            int32_t sum = 0;
            for (int i = 0; i < depth; i++) sum += (int32_t)xr[i] * wr[i];
            y[(size_t)t * ldy + o] = sum;
        }
    }
}

void mf_gemm_s8(const int8_t *x, int ldx, int rows, const int8_t *w, int ldw, const int32_t *w_sums, int depth,
                int o_begin, int o_end, int32_t *y, int ldy) {
    if (rows <= 0 || o_end <= o_begin) return;
#if defined(__x86_64__)
    int features = mf_cpu_features();
    if ((features & MF_CPU_AVX512_VNNI) && w_sums) {
        gemm_vnni(x, ldx, rows, w, ldw, w_sums, depth, o_begin, o_end, y, ldy);
        return;
    }
    if (features & MF_CPU_AVX2) {
        gemm_avx2(x, ldx, rows, w, ldw, depth, o_begin, o_end, y, ldy);
        return;
    }
#endif
    gemm_portable(x, ldx, rows, w, ldw, depth, o_begin, o_end, y, ldy);
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static int32_t sum_s8_avx2(const int8_t *x, int n) {
    __m256i acc = _mm256_setzero_si256();
    int body = n & ~31;
    for (int i = 0; i < body; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(x + i));
        // Widen pairs to 16 bits with a multiply by 1, then pairs of those to 32 bits.
        __m256i pairs = _mm256_maddubs_epi16(_mm256_set1_epi8(1), v);
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
    }
    int32_t sum = hsum_avx2(acc);
    for (int i = body; i < n; i++) sum += x[i];
    return sum;
}
#endif

int32_t mf_sum_s8(const int8_t *x, int n) {
#if defined(__x86_64__)
    if (mf_cpu_features() & MF_CPU_AVX2) return sum_s8_avx2(x, n);
#endif
    int32_t sum = 0;
    for (int i = 0; i < n; i++) sum += x[i];
    return sum;
}
