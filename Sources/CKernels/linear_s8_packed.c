// A whole int8 linear layer on packed weights (layout in pack_s8.c):
//   y = scale_x · scale_w · (codes · Wᵀ − zero_point · Σw) + bias, then the activation,
// with dequantization, bias and activation done on each tile's accumulators while they are
// still in registers: no int32 intermediate matrix, no separate passes over the output.
// Tiles are 8 rows × 32 outputs (two packed blocks): 16 accumulators, and each group of 4
// inputs costs 2 weight loads and 8 broadcasts for 16 dot-product instructions. The codes are
// first regrouped so that a tile's 8 rows × 4 bytes of each group lie in one 32-byte run: the
// broadcasts then read one sequential stream instead of 8 rows a whole row apart (which the
// hardware prefetchers lose track of once the codes outgrow L1).
#include "CKernels.h"
#include "thread_pool.h"
#include "vector_math.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const uint8_t *codes;
    int ldc, rows;
    const float *row_scales;
    const int32_t *zero_points;
    const int8_t *packed;
    const uint8_t *tiled;  // the codes regrouped per tile (VNNI path)
    const int32_t *w_sums;
    const float *w_scales;
    const float *bias;
    int depth, outputs, activation;
    float *y;
    int ldy;
} linear_job;

static float activate_scalar(float v, int activation) {
    switch (activation) {
    case MF_ACTIVATION_GELU_ERF: return 0.5f * v * (1.0f + erff(v * 0.70710678118654752f));
    case MF_ACTIVATION_RELU: return v > 0 ? v : 0;
    default: return v;
    }
}

// Reference loops over the packed layout, for CPUs without VNNI (weights packed on a VNNI
// machine stay usable when tests limit the kernels to other paths).
static void linear_portable(const linear_job *j, int block_begin, int block_end) {
    int groups = (j->depth + 3) / 4;
    for (int b = block_begin; b < block_end; b++)
        for (int lane = 0; lane < 16 && b * 16 + lane < j->outputs; lane++) {
            int o = b * 16 + lane;
            for (int t = 0; t < j->rows; t++) {
                const uint8_t *x = j->codes + (size_t)t * j->ldc;
                int32_t sum = 0;
                for (int i = 0; i < j->depth; i++)
                    sum += (int32_t)x[i] * j->packed[((size_t)b * groups + i / 4) * 64 + lane * 4 + i % 4];
                sum -= j->zero_points[t] * j->w_sums[o];
                float v = (float)sum * j->row_scales[t] * j->w_scales[o] + (j->bias ? j->bias[o] : 0);
                j->y[(size_t)t * j->ldy + o] = activate_scalar(v, j->activation);
            }
        }
}

#if defined(__x86_64__)
#include <immintrin.h>

#define LINEAR_ROWS 8

// Writes 16 outputs of row t from its accumulator.
__attribute__((target("avx512f,avx512bw,avx512vnni"), always_inline)) static inline void
finish_vector(const linear_job *j, __m512i acc, int t, int o) {
    int no = j->outputs - o < 16 ? j->outputs - o : 16;
    __mmask16 m = no >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << no) - 1);
    __m512i sums = _mm512_maskz_loadu_epi32(m, j->w_sums + o);
    __m512 scales = _mm512_mul_ps(_mm512_set1_ps(j->row_scales[t]), _mm512_maskz_loadu_ps(m, j->w_scales + o));
    __m512 bias = j->bias ? _mm512_maskz_loadu_ps(m, j->bias + o) : _mm512_setzero_ps();
    __m512i exact = _mm512_sub_epi32(acc, _mm512_mullo_epi32(_mm512_set1_epi32(j->zero_points[t]), sums));
    __m512 v = _mm512_fmadd_ps(_mm512_cvtepi32_ps(exact), scales, bias);
    if (j->activation == MF_ACTIVATION_GELU_ERF) {
        __m512 e = mf_erf512(_mm512_mul_ps(v, _mm512_set1_ps(0.70710678118654752f)));
        v = _mm512_mul_ps(_mm512_mul_ps(v, _mm512_set1_ps(0.5f)), _mm512_add_ps(e, _mm512_set1_ps(1.0f)));
    } else if (j->activation == MF_ACTIVATION_RELU) {
        v = _mm512_max_ps(v, _mm512_setzero_ps());
    }
    _mm512_mask_storeu_ps(j->y + (size_t)t * j->ldy + o, m, v);
}

// Rows [t0, t0 + nt) × blocks b (and b + 1 when pair): nt and pair are constants at each
// call site, so the accumulators stay in registers.
__attribute__((target("avx512f,avx512bw,avx512vnni"), always_inline)) static inline void
linear_tile(const linear_job *j, int groups, int t0, int nt, int b, int pair, const int8_t *prefetch) {
    __m512i acc0[LINEAR_ROWS], acc1[LINEAR_ROWS];
    for (int t = 0; t < LINEAR_ROWS; t++) {
        acc0[t] = _mm512_setzero_si512();
        acc1[t] = _mm512_setzero_si512();
    }
    const int8_t *block0 = j->packed + (size_t)b * groups * 64;
    const int8_t *block1 = block0 + (size_t)groups * 64;
    const uint8_t *x = j->tiled + (size_t)(t0 / LINEAR_ROWS) * groups * 4 * LINEAR_ROWS;
    for (int g = 0; g < groups; g++) {
        __m512i w0 = _mm512_loadu_si512(block0 + (size_t)g * 64);
        __m512i w1 = pair ? _mm512_loadu_si512(block1 + (size_t)g * 64) : w0;
        if (prefetch) {
            _mm_prefetch((const char *)prefetch + (size_t)g * 128, _MM_HINT_T1);
            _mm_prefetch((const char *)prefetch + (size_t)g * 128 + 64, _MM_HINT_T1);
        }
        for (int t = 0; t < LINEAR_ROWS; t++) {
            if (t >= nt) break;
            int32_t four;
            memcpy(&four, x + ((size_t)g * LINEAR_ROWS + t) * 4, 4);
            __m512i codes = _mm512_set1_epi32(four);
            acc0[t] = _mm512_dpbusd_epi32(acc0[t], codes, w0);
            if (pair) acc1[t] = _mm512_dpbusd_epi32(acc1[t], codes, w1);
        }
    }
    for (int t = 0; t < nt; t++) {
        finish_vector(j, acc0[t], t0 + t, b * 16);
        if (pair) finish_vector(j, acc1[t], t0 + t, b * 16 + 16);
    }
}

#define TILE_CASE(n)                                                                                                   \
    case n:                                                                                                            \
        if (pair)                                                                                                      \
            linear_tile(j, groups, t0, n, b, 1, prefetch);                                                                       \
        else                                                                                                           \
            linear_tile(j, groups, t0, n, b, 0, prefetch);                                                                       \
        break;

__attribute__((target("avx512f,avx512bw,avx512vnni"))) static void linear_vnni(const linear_job *j, int block_begin,
                                                                              int block_end) {
    int groups = (j->depth + 3) / 4;
    for (int b = block_begin; b < block_end; b += 2) {
        int pair = b + 1 < block_end;
        // While the second row tile runs from L1, the next pair of blocks (contiguous after
        // this one) is fetched into L2: its first tile then does not wait on memory.
        const int8_t *next = b + 2 < block_end ? j->packed + (size_t)(b + 2) * groups * 64 : NULL;
        for (int t0 = 0; t0 < j->rows; t0 += LINEAR_ROWS) {
            int nt = j->rows - t0 < LINEAR_ROWS ? j->rows - t0 : LINEAR_ROWS;
            const int8_t *prefetch = t0 == LINEAR_ROWS ? next : NULL;
            switch (nt) {
                TILE_CASE(8)
                TILE_CASE(7)
                TILE_CASE(6)
                TILE_CASE(5)
                TILE_CASE(4)
                TILE_CASE(3)
                TILE_CASE(2)
            default:
                if (pair)
                    linear_tile(j, groups, t0, 1, b, 1, prefetch);
                else
                    linear_tile(j, groups, t0, 1, b, 0, prefetch);
                break;
            }
        }
    }
}

// Codes of rows [t0, t0 + 8) as [group][row][4 bytes]; rows past the end are zero.
static void tile_codes(const uint8_t *codes, int ldc, int rows, int groups, int tile, uint8_t *out) {
    uint8_t *dst = out + (size_t)tile * groups * 4 * LINEAR_ROWS;
    for (int t = 0; t < LINEAR_ROWS; t++) {
        int row = tile * LINEAR_ROWS + t;
        for (int g = 0; g < groups; g++) {
            if (row < rows)
                memcpy(dst + ((size_t)g * LINEAR_ROWS + t) * 4, codes + (size_t)row * ldc + 4 * g, 4);
            else
                memset(dst + ((size_t)g * LINEAR_ROWS + t) * 4, 0, 4);
        }
    }
}

static void tile_codes_task(void *context, int task, int tasks) {
    const linear_job *j = context;
    int tiles = (j->rows + LINEAR_ROWS - 1) / LINEAR_ROWS;
    int per = (tiles + tasks - 1) / tasks;
    for (int tile = task * per; tile < (task + 1) * per && tile < tiles; tile++)
        tile_codes(j->codes, j->ldc, j->rows, (j->depth + 3) / 4, tile, (uint8_t *)j->tiled);
}
#endif

static void linear_blocks(const linear_job *j, int block_begin, int block_end) {
#if defined(__x86_64__)
    if (mf_packed_s8_available()) {
        linear_vnni(j, block_begin, block_end);
        return;
    }
#endif
    linear_portable(j, block_begin, block_end);
}

static void linear_task(void *context, int task, int tasks) {
    const linear_job *j = context;
    int pairs = ((j->outputs + 15) / 16 + 1) / 2;
    int per = (pairs + tasks - 1) / tasks;
    int begin = task * per, end = begin + per < pairs ? begin + per : pairs;
    int blocks = (j->outputs + 15) / 16;
    if (begin < end) linear_blocks(j, begin * 2, end * 2 < blocks ? end * 2 : blocks);
}

void mf_linear_s8_packed(const uint8_t *codes, int ldc, int rows, const float *row_scales, const int32_t *zero_points,
                         const int8_t *packed, const int32_t *w_sums, const float *w_scales, const float *bias,
                         int depth, int outputs, int activation, float *y, int ldy) {
    if (rows <= 0 || outputs <= 0) return;
    linear_job job = {codes, ldc, rows, row_scales, zero_points, packed, NULL, w_sums, w_scales, bias,
                      depth, outputs, activation, y, ldy};
    long work = (long)rows * outputs * depth;
#if defined(__x86_64__)
    uint8_t stack_tiles[32 * 1024];
    uint8_t *tiles = NULL;
    if (mf_packed_s8_available()) {
        int tile_count = (rows + LINEAR_ROWS - 1) / LINEAR_ROWS;
        size_t bytes = (size_t)tile_count * ((depth + 3) / 4) * 4 * LINEAR_ROWS;
        tiles = bytes <= sizeof stack_tiles ? stack_tiles : malloc(bytes);
        if (!tiles) return;
        job.tiled = tiles;
        int tile_tasks = bytes < 65536 ? 1 : (mf_thread_count() < tile_count ? mf_thread_count() : tile_count);
        mf_parallel_run(tile_codes_task, &job, tile_tasks);
    }
#endif
    int pairs = ((outputs + 15) / 16 + 1) / 2;
    // Several tasks per thread, so a worker that starts late (or a busy core) evens out.
    int tasks = work < 150000 ? 1 : mf_thread_count() * 4;
    if (tasks > pairs) tasks = pairs;
    mf_parallel_run(linear_task, &job, tasks);
#if defined(__x86_64__)
    if (tiles && tiles != stack_tiles) free(tiles);
#endif
}
