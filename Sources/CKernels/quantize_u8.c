// Activation rows as unsigned 8-bit codes, x ≈ scale · (code − zero_point): the input of every
// int8 product (the packed VNNI kernel multiplies the codes; the row-major kernels take
// code − 128). Rows are padded to whole groups of 4 for the packed kernel.
#include "CKernels.h"
#include "rounding.h"
#include "thread_pool.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

typedef struct {
    float scale, inverse, zero;
} step;

// The step and zero point for a row spanning [lo, hi] (lo ≤ 0 ≤ hi). Returns 0 when the row
// has no usable range (all zero, or not finite): then it gets scale 0 and codes 0.
static int step_for_range(float lo, float hi, step *s, uint8_t *codes, int n, float *scale, int32_t *zero_point) {
    if (!(hi - lo > 0) || !isfinite(hi - lo)) {
        memset(codes, 0, (size_t)n);
        *scale = 0;
        *zero_point = 0;
        return 0;
    }
    s->scale = (hi - lo) / 255.0f;
    s->inverse = 1.0f / s->scale;
    float zero = round_even(-lo * s->inverse);
    s->zero = zero < 0 ? 0 : (zero > 255 ? 255 : zero);
    *scale = s->scale;
    *zero_point = (int32_t)s->zero;
    return 1;
}

static void quantize_row_u8_portable(const float *x, int n, uint8_t *codes, float *scale, int32_t *zero_point) {
    float lo = 0, hi = 0;
    for (int i = 0; i < n; i++) {
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    step s;
    if (!step_for_range(lo, hi, &s, codes, n, scale, zero_point)) return;
    for (int i = 0; i < n; i++) {
        float u = x[i] * s.inverse + s.zero;  // multiply, then add: as the vector path
        u = u < 0 ? 0 : (u > 255 ? 255 : u);
        codes[i] = (uint8_t)round_even(u);
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f,avx512bw,avx512vl"))) static void quantize_row_u8_avx512(const float *x, int n, uint8_t *codes,
                                                                              float *scale, int32_t *zero_point) {
    __m512 lo = _mm512_setzero_ps(), hi = _mm512_setzero_ps();
    for (int i = 0; i < n; i += 16) {
        __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        __m512 v = _mm512_maskz_loadu_ps(m, x + i);  // tail lanes read as 0, inside [lo, hi] anyway
        lo = _mm512_min_ps(lo, v);
        hi = _mm512_max_ps(hi, v);
    }
    step s;
    if (!step_for_range(_mm512_reduce_min_ps(lo), _mm512_reduce_max_ps(hi), &s, codes, n, scale, zero_point)) return;
    __m512 inv = _mm512_set1_ps(s.inverse), zp = _mm512_set1_ps(s.zero);
    __m512 top = _mm512_set1_ps(255.0f), bottom = _mm512_setzero_ps();
    for (int i = 0; i < n; i += 16) {
        __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        // Multiply, then add (not fused), rounding half to even: as the scalar path.
        __m512 u = _mm512_add_ps(_mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), inv), zp);
        u = _mm512_min_ps(_mm512_max_ps(u, bottom), top);
        __m512i q = _mm512_cvt_roundps_epi32(u, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm_mask_storeu_epi8(codes + i, m, _mm512_cvtepi32_epi8(q));
    }
}
#endif

void mf_quantize_rows_u8(const float *x, int ldx, int rows, int depth, uint8_t *codes, int ldc, float *scales,
                         int32_t *zero_points) {
#if defined(__x86_64__)
    int vector = (mf_cpu_features() & MF_CPU_AVX512) != 0;
#endif
    for (int t = 0; t < rows; t++) {
        const float *row = x + (size_t)t * ldx;
        uint8_t *out = codes + (size_t)t * ldc;
#if defined(__x86_64__)
        if (vector)
            quantize_row_u8_avx512(row, depth, out, scales + t, zero_points + t);
        else
#endif
            quantize_row_u8_portable(row, depth, out, scales + t, zero_points + t);
        // Padding meets zero weights; any code does, 0 keeps it deterministic.
        if (ldc > depth) memset(out + depth, 0, (size_t)(ldc - depth));
    }
}

typedef struct {
    const float *x;
    int ldx, rows, depth;
    uint8_t *codes;
    int ldc;
    float *scales;
    int32_t *zero_points;
} quantize_job;

static void quantize_task(void *context, int task, int tasks) {
    quantize_job *job = context;
    int per = (job->rows + tasks - 1) / tasks;
    int begin = task * per, end = begin + per < job->rows ? begin + per : job->rows;
    if (begin < end)
        mf_quantize_rows_u8(job->x + (size_t)begin * job->ldx, job->ldx, end - begin, job->depth,
                            job->codes + (size_t)begin * job->ldc, job->ldc, job->scales + begin,
                            job->zero_points + begin);
}

void mf_quantize_rows_u8_parallel(const float *x, int ldx, int rows, int depth, uint8_t *codes, int ldc,
                                  float *scales, int32_t *zero_points) {
    quantize_job job = {x, ldx, rows, depth, codes, ldc, scales, zero_points};
    // Below ~32k values the hand-off costs more than the work.
    long work = (long)rows * depth;
    int tasks = work < 32768 ? 1 : (mf_thread_count() < rows ? mf_thread_count() : rows);
    mf_parallel_run(quantize_task, &job, tasks);
}
