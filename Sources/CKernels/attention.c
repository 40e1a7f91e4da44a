// Multi-head self-attention in fp32, one pool task per head: scores = q kᵀ · scale, a softmax
// per query row, then the context as a sum of value rows weighted by each row's probabilities
// (value rows are read in place: no transposed copy).
#include "CKernels.h"
#include "thread_pool.h"

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

#if defined(__x86_64__)
__attribute__((target("avx512f,fma"))) static void weighted_rows_avx512(const float *p, int nk, const float *v,
                                                                         int ldv, int width, float *out) {
    for (int c0 = 0; c0 < width; c0 += 64) {
        __m512 acc[4];
        __mmask16 m[4];
        for (int u = 0; u < 4; u++) {
            int left = width - c0 - 16 * u;
            m[u] = left >= 16 ? (__mmask16)0xFFFF : (left > 0 ? (__mmask16)((1u << left) - 1) : 0);
            acc[u] = _mm512_setzero_ps();
        }
        for (int r = 0; r < nk; r++) {
            __m512 weight = _mm512_set1_ps(p[r]);
            const float *row = v + (size_t)r * ldv + c0;
            for (int u = 0; u < 4; u++) acc[u] = _mm512_fmadd_ps(weight, _mm512_maskz_loadu_ps(m[u], row + 16 * u), acc[u]);
        }
        for (int u = 0; u < 4; u++) _mm512_mask_storeu_ps(out + c0 + 16 * u, m[u], acc[u]);
    }
}
#endif

// out[c] = Σ_r p[r] · v[r][c] for c < width.
static void weighted_rows(const float *p, int nk, const float *v, int ldv, int width, float *out) {
#if defined(__x86_64__)
    if (mf_cpu_features() & MF_CPU_AVX512) {
        weighted_rows_avx512(p, nk, v, ldv, width, out);
        return;
    }
#endif
    for (int c = 0; c < width; c++) out[c] = 0;
    for (int r = 0; r < nk; r++)
        for (int c = 0; c < width; c++) out[c] += p[r] * v[(size_t)r * ldv + c];
}

static void attend_head(const attention_job *j, int head) {
    size_t count = (size_t)j->nq * j->nk;
    float stack_scores[8192];
    float *scores = count <= sizeof stack_scores / sizeof *stack_scores ? stack_scores : malloc(count * sizeof(float));
    if (!scores) return;
    int offset = head * j->head_size;
    mf_gemm_f32(j->q + offset, j->ldq, j->nq, j->k + offset, j->ldkv, j->head_size, 0, j->nk, scores, j->nk);
    for (int t = 0; t < j->nq; t++) {
        float *row = scores + (size_t)t * j->nk;
        for (int r = 0; r < j->nk; r++) row[r] *= j->scale;
        mf_softmax(row, j->nk);
        weighted_rows(row, j->nk, j->v + offset, j->ldkv, j->head_size, j->out + (size_t)t * j->ldo + offset);
    }
    if (scores != stack_scores) free(scores);
}

static void attention_task(void *context, int task, int tasks) {
    const attention_job *j = context;
    int per = (j->heads + tasks - 1) / tasks;
    for (int head = task * per; head < (task + 1) * per && head < j->heads; head++) attend_head(j, head);
}

void mf_attention(const float *q, int ldq, int nq, const float *k, const float *v, int ldkv, int nk, int heads,
                  int head_size, float scale, float *out, int ldo) {
    if (nq <= 0 || nk <= 0 || heads <= 0) return;
    attention_job job = {q, ldq, nq, k, v, ldkv, nk, heads, head_size, scale, out, ldo};
    long work = (long)nq * nk * head_size * heads;
    mf_parallel_run(attention_task, &job, work < 50000 ? 1 : heads);
}
