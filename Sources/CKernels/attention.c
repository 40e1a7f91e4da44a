// Multi-head self-attention in fp32, one pool task per head (or group of heads): scores =
// (q · scale) kᵀ, a softmax per query row, then the context as the probability-weighted sum of
// value rows. The AVX-512 and AVX2 paths work on 4 query rows at a time against keys transposed
// per head, so both products are broadcast-and-FMA over many keys or value columns at once: no
// horizontal sums, and each key or value vector loaded serves 4 rows.
#include "CKernels.h"
#include "thread_pool.h"
#include "vector_math.h"

#include <stddef.h>
#include <stdlib.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

typedef struct {
    const float *q;
    int ldq, nq;
    const float *k, *v;
    int ldkv, nk, heads, head_size;
    float scale;
    float *out;
    int ldo;
} attention_job;

#define QUERY_ROWS 4

static void attend_head_portable(const attention_job *j, int head, float *scores) {
    int offset = head * j->head_size;
    for (int t = 0; t < j->nq; t++) {
        float *row = scores + (size_t)t * j->nk;
        for (int r = 0; r < j->nk; r++) {
            float sum = 0;
            for (int c = 0; c < j->head_size; c++)
                sum += j->q[(size_t)t * j->ldq + offset + c] * j->k[(size_t)r * j->ldkv + offset + c];
            row[r] = sum * j->scale;
        }
        mf_softmax(row, j->nk);
        float *out = j->out + (size_t)t * j->ldo + offset;
        for (int c = 0; c < j->head_size; c++) out[c] = 0;
        for (int r = 0; r < j->nk; r++)
            for (int c = 0; c < j->head_size; c++) out[c] += row[r] * j->v[(size_t)r * j->ldkv + offset + c];
    }
}

#if defined(__x86_64__)
static inline __mmask16 lanes(int left) {
    return left >= 16 ? (__mmask16)0xFFFF : (left > 0 ? (__mmask16)((1u << left) - 1) : 0);
}

// scores[t][r] = scale · q[t] · k[r] for rows [t0, t0 + nt), from kt = kᵀ (head_size × ldk).
__attribute__((target("avx512f,fma"))) static void scores_avx512(const attention_job *j, int offset, const float *kt,
                                                                  int ldk, int t0, int nt, float *scores) {
    for (int r0 = 0; r0 < j->nk; r0 += 64) {
        __m512 acc[QUERY_ROWS][4];
        __mmask16 m[4];
        for (int u = 0; u < 4; u++) {
            m[u] = lanes(j->nk - r0 - 16 * u);
            for (int t = 0; t < QUERY_ROWS; t++) acc[t][u] = _mm512_setzero_ps();
        }
        for (int c = 0; c < j->head_size; c++) {
            __m512 keys[4];
            for (int u = 0; u < 4; u++) keys[u] = _mm512_maskz_loadu_ps(m[u], kt + (size_t)c * ldk + r0 + 16 * u);
            for (int t = 0; t < QUERY_ROWS; t++) {
                if (t >= nt) break;
                __m512 q = _mm512_set1_ps(j->q[(size_t)(t0 + t) * j->ldq + offset + c] * j->scale);
                for (int u = 0; u < 4; u++) acc[t][u] = _mm512_fmadd_ps(q, keys[u], acc[t][u]);
            }
        }
        for (int t = 0; t < nt; t++)
            for (int u = 0; u < 4; u++) _mm512_mask_storeu_ps(scores + (size_t)t * ldk + r0 + 16 * u, m[u], acc[t][u]);
    }
}

// out[t] = Σ_r p[t][r] · v[r] for rows [t0, t0 + nt), 64 columns of the head at a time.
__attribute__((target("avx512f,fma"))) static void context_avx512(const attention_job *j, int offset,
                                                                   const float *probabilities, int ldk, int t0, int nt) {
    for (int c0 = 0; c0 < j->head_size; c0 += 64) {
        __m512 acc[QUERY_ROWS][4];
        __mmask16 m[4];
        for (int u = 0; u < 4; u++) {
            m[u] = lanes(j->head_size - c0 - 16 * u);
            for (int t = 0; t < QUERY_ROWS; t++) acc[t][u] = _mm512_setzero_ps();
        }
        for (int r = 0; r < j->nk; r++) {
            const float *row = j->v + (size_t)r * j->ldkv + offset + c0;
            __m512 values[4];
            for (int u = 0; u < 4; u++) values[u] = _mm512_maskz_loadu_ps(m[u], row + 16 * u);
            for (int t = 0; t < QUERY_ROWS; t++) {
                if (t >= nt) break;
                __m512 p = _mm512_set1_ps(probabilities[(size_t)t * ldk + r]);
                for (int u = 0; u < 4; u++) acc[t][u] = _mm512_fmadd_ps(p, values[u], acc[t][u]);
            }
        }
        for (int t = 0; t < nt; t++)
            for (int u = 0; u < 4; u++)
                _mm512_mask_storeu_ps(j->out + (size_t)(t0 + t) * j->ldo + offset + c0 + 16 * u, m[u], acc[t][u]);
    }
}


// AVX2 (8 lanes, 16 registers): the same blocking with 16 keys or 16 value columns per pass,
// so the 8 accumulators, 2 loaded vectors and the broadcast fit in registers. The row count is
// a constant in each instance (the switch below), so no accumulator is spilled to the stack;
// kᵀ's padding columns are zero, so whole vectors are loaded and stored up to ldk, and the scale
// is applied once to each finished score, as the portable path does.
__attribute__((target("avx2,fma"), always_inline)) static inline void
scores_rows_avx2(const float *q, int ldq, int nt, const float *kt, int ldk, int head_size, int nk, float scale,
                 float *scores) {
    const __m256 s = _mm256_set1_ps(scale);
    for (int r0 = 0; r0 < nk; r0 += 16) {
        __m256 acc[QUERY_ROWS][2];
        for (int t = 0; t < nt; t++) acc[t][0] = acc[t][1] = _mm256_setzero_ps();
        const float *keys = kt + r0;
        for (int c = 0; c < head_size; c++, keys += ldk) {
            __m256 k0 = _mm256_loadu_ps(keys), k1 = _mm256_loadu_ps(keys + 8);
            for (int t = 0; t < nt; t++) {
                __m256 x = _mm256_broadcast_ss(q + (size_t)t * ldq + c);
                acc[t][0] = _mm256_fmadd_ps(x, k0, acc[t][0]);
                acc[t][1] = _mm256_fmadd_ps(x, k1, acc[t][1]);
            }
        }
        for (int t = 0; t < nt; t++) {
            _mm256_storeu_ps(scores + (size_t)t * ldk + r0, _mm256_mul_ps(acc[t][0], s));
            _mm256_storeu_ps(scores + (size_t)t * ldk + r0 + 8, _mm256_mul_ps(acc[t][1], s));
        }
    }
}

// scores[t][r] = scale · q[t] · k[r] for rows [t0, t0 + nt), from kt = kᵀ (head_size × ldk).
__attribute__((target("avx2,fma"))) static void scores_avx2(const attention_job *j, int offset, const float *kt,
                                                             int ldk, int t0, int nt, float *scores) {
    const float *q = j->q + (size_t)t0 * j->ldq + offset;
    switch (nt) {
    case 4: scores_rows_avx2(q, j->ldq, 4, kt, ldk, j->head_size, j->nk, j->scale, scores); break;
    case 3: scores_rows_avx2(q, j->ldq, 3, kt, ldk, j->head_size, j->nk, j->scale, scores); break;
    case 2: scores_rows_avx2(q, j->ldq, 2, kt, ldk, j->head_size, j->nk, j->scale, scores); break;
    default: scores_rows_avx2(q, j->ldq, 1, kt, ldk, j->head_size, j->nk, j->scale, scores); break;
    }
}

// out[t] = Σ_r p[t][r] · v[r] over 16 columns of the head from c0 (fewer, masked, at its end).
__attribute__((target("avx2,fma"), always_inline)) static inline void
context_columns_avx2(const float *v, int ldv, const float *p, int ldk, int nt, int nk, int columns, float *out,
                     int ldo) {
    const __m256i m0 = mf_lanes8(columns), m1 = mf_lanes8(columns - 8);
    const int whole = columns >= 16;
    __m256 acc[QUERY_ROWS][2];
    for (int t = 0; t < nt; t++) acc[t][0] = acc[t][1] = _mm256_setzero_ps();
    for (int r = 0; r < nk; r++, v += ldv) {
        __m256 v0 = whole ? _mm256_loadu_ps(v) : _mm256_maskload_ps(v, m0);
        __m256 v1 = whole ? _mm256_loadu_ps(v + 8) : _mm256_maskload_ps(v + 8, m1);
        for (int t = 0; t < nt; t++) {
            __m256 x = _mm256_broadcast_ss(p + (size_t)t * ldk + r);
            acc[t][0] = _mm256_fmadd_ps(x, v0, acc[t][0]);
            acc[t][1] = _mm256_fmadd_ps(x, v1, acc[t][1]);
        }
    }
    for (int t = 0; t < nt; t++) {
        if (whole) {
            _mm256_storeu_ps(out + (size_t)t * ldo, acc[t][0]);
            _mm256_storeu_ps(out + (size_t)t * ldo + 8, acc[t][1]);
        } else {
            _mm256_maskstore_ps(out + (size_t)t * ldo, m0, acc[t][0]);
            _mm256_maskstore_ps(out + (size_t)t * ldo + 8, m1, acc[t][1]);
        }
    }
}

__attribute__((target("avx2,fma"), always_inline)) static inline void
context_rows_avx2(const attention_job *j, int offset, const float *p, int ldk, int t0, int nt) {
    for (int c0 = 0; c0 < j->head_size; c0 += 16) {
        const float *v = j->v + offset + c0;
        float *out = j->out + (size_t)t0 * j->ldo + offset + c0;
        if (j->head_size - c0 >= 16)
            context_columns_avx2(v, j->ldkv, p, ldk, nt, j->nk, 16, out, j->ldo);
        else
            context_columns_avx2(v, j->ldkv, p, ldk, nt, j->nk, j->head_size - c0, out, j->ldo);
    }
}

__attribute__((target("avx2,fma"))) static void context_avx2(const attention_job *j, int offset,
                                                              const float *probabilities, int ldk, int t0, int nt) {
    switch (nt) {
    case 4: context_rows_avx2(j, offset, probabilities, ldk, t0, 4); break;
    case 3: context_rows_avx2(j, offset, probabilities, ldk, t0, 3); break;
    case 2: context_rows_avx2(j, offset, probabilities, ldk, t0, 2); break;
    default: context_rows_avx2(j, offset, probabilities, ldk, t0, 1); break;
    }
}

typedef void (*scores_fn)(const attention_job *, int, const float *, int, int, int, float *);
typedef void (*context_fn)(const attention_job *, int, const float *, int, int, int);

// scratch: kᵀ (head_size × ldk) then the scores (QUERY_ROWS × ldk).
static void attend_head_blocked(const attention_job *j, int head, float *scratch, int ldk, scores_fn scores_of,
                                context_fn context_of) {
    int offset = head * j->head_size;
    float *kt = scratch;
    float *scores = scratch + (size_t)j->head_size * ldk;
    for (int r = 0; r < j->nk; r++) {
        const float *key = j->k + (size_t)r * j->ldkv + offset;
        for (int c = 0; c < j->head_size; c++) kt[(size_t)c * ldk + r] = key[c];
    }
    // zero padding: the AVX2 scores read whole vectors up to ldk
    for (int c = 0; c < j->head_size; c++)
        for (int r = j->nk; r < ldk; r++) kt[(size_t)c * ldk + r] = 0;
    for (int t0 = 0; t0 < j->nq; t0 += QUERY_ROWS) {
        int nt = j->nq - t0 < QUERY_ROWS ? j->nq - t0 : QUERY_ROWS;
        scores_of(j, offset, kt, ldk, t0, nt, scores);
        for (int t = 0; t < nt; t++) mf_softmax(scores + (size_t)t * ldk, j->nk);
        context_of(j, offset, scores, ldk, t0, nt);
    }
}
#endif

static void attention_task(void *context, int task, int tasks) {
    const attention_job *j = context;
    int per = (j->heads + tasks - 1) / tasks;
    int first = task * per, last = first + per < j->heads ? first + per : j->heads;
    if (first >= last) return;
    float stack_scratch[8192];
#if defined(__x86_64__)
    int features = mf_cpu_features();
    if (features & (MF_CPU_AVX512 | MF_CPU_AVX2)) {
        int avx512 = (features & MF_CPU_AVX512) != 0;
        int ldk = (j->nk + 15) & ~15;
        size_t count = (size_t)(j->head_size + QUERY_ROWS) * ldk;
        float *scratch = count <= sizeof stack_scratch / sizeof *stack_scratch ? stack_scratch : malloc(count * sizeof(float));
        if (!scratch) return;
        for (int head = first; head < last; head++)
            attend_head_blocked(j, head, scratch, ldk, avx512 ? scores_avx512 : scores_avx2,
                                avx512 ? context_avx512 : context_avx2);
        if (scratch != stack_scratch) free(scratch);
        return;
    }
#endif
    size_t count = (size_t)j->nq * j->nk;
    float *scores = count <= sizeof stack_scratch / sizeof *stack_scratch ? stack_scratch : malloc(count * sizeof(float));
    if (!scores) return;
    for (int head = first; head < last; head++) attend_head_portable(j, head, scores);
    if (scores != stack_scratch) free(scores);
}

void mf_attention(const float *q, int ldq, int nq, const float *k, const float *v, int ldkv, int nk, int heads,
                  int head_size, float scale, float *out, int ldo) {
    if (nq <= 0 || nk <= 0 || heads <= 0) return;
    attention_job job = {q, ldq, nq, k, v, ldkv, nk, heads, head_size, scale, out, ldo};
    long work = (long)nq * nk * head_size * heads;
    mf_parallel_run(attention_task, &job, work < 50000 ? 1 : heads);
}
