// LayerNorm over many rows, split across the pool (each row is independent).
#include "CKernels.h"
#include "thread_pool.h"

#include <stddef.h>

typedef struct {
    float *x;
    const float *residual, *gamma, *beta;
    int rows, n;
    float eps;
} layer_norm_job;

static void layer_norm_task(void *context, int task, int tasks) {
    const layer_norm_job *j = context;
    int per = (j->rows + tasks - 1) / tasks;
    int begin = task * per, end = begin + per < j->rows ? begin + per : j->rows;
    for (int t = begin; t < end; t++)
        mf_add_layer_norm(j->x + (size_t)t * j->n, j->residual ? j->residual + (size_t)t * j->n : NULL, j->gamma,
                          j->beta, j->n, j->eps);
}

void mf_add_layer_norm_rows(float *x, const float *residual, const float *gamma, const float *beta, int rows, int n,
                            float eps) {
    if (rows <= 0) return;
    layer_norm_job job = {x, residual, gamma, beta, rows, n, eps};
    long work = (long)rows * n;
    int threads = mf_thread_count();
    mf_parallel_run(layer_norm_task, &job, work < 32768 ? 1 : (threads < rows ? threads : rows));
}
