// A whole int8 linear layer on row-major weights, the layout CPUs without VNNI use:
//   y = activation(row_scale · w_scale · (x · Wᵀ + row_offset · Σw) + bias),
// split across the thread pool by slices of outputs. Each task multiplies a block of rows by
// its outputs into a small int32 buffer and finishes that block at once (dequantization, bias,
// activation) while it is in cache: no rows × outputs int32 matrix to clear and fill, and no
// passes over the output left for one thread after the product.
#include "CKernels.h"
#include "thread_pool.h"

#include <stddef.h>

#define BLOCK_ROWS 32
#define BLOCK_OUTPUTS 64

typedef struct {
    const int8_t *x;
    int ldx, rows;
    const float *row_scales;
    const int32_t *row_offsets;
    const int8_t *w;
    int ldw;
    const int32_t *w_sums;
    const float *w_scales;
    const float *bias;
    int depth, outputs, activation;
    float *y;
    int ldy;
} linear_rows_job;

static void finish_block(const linear_rows_job *j, const int32_t *acc, int t0, int nt, int o0, int no) {
    for (int t = 0; t < nt; t++) {
        const int32_t *a = acc + (size_t)t * BLOCK_OUTPUTS;
        float *out = j->y + (size_t)(t0 + t) * j->ldy + o0;
        float rs = j->row_scales[t0 + t];
        int32_t ro = j->row_offsets[t0 + t];
        for (int o = 0; o < no; o++) {
            float v = (float)(a[o] + ro * j->w_sums[o0 + o]) * rs * j->w_scales[o0 + o];
            out[o] = j->bias ? v + j->bias[o0 + o] : v;
        }
        switch (j->activation) {
        case MF_ACTIVATION_GELU_ERF: mf_gelu_erf(out, no); break;
        case MF_ACTIVATION_RELU:
            for (int o = 0; o < no; o++) out[o] = out[o] > 0 ? out[o] : 0;
            break;
        default: break;
        }
    }
}

static void linear_rows_task(void *context, int task, int tasks) {
    const linear_rows_job *j = context;
    int per = ((j->outputs + tasks - 1) / tasks + 15) & ~15;
    int begin = task * per, end = begin + per < j->outputs ? begin + per : j->outputs;
    int32_t acc[BLOCK_ROWS * BLOCK_OUTPUTS];
    for (int o0 = begin; o0 < end; o0 += BLOCK_OUTPUTS) {
        int no = end - o0 < BLOCK_OUTPUTS ? end - o0 : BLOCK_OUTPUTS;
        const int8_t *w = j->w + (size_t)o0 * j->ldw;
        for (int t0 = 0; t0 < j->rows; t0 += BLOCK_ROWS) {
            int nt = j->rows - t0 < BLOCK_ROWS ? j->rows - t0 : BLOCK_ROWS;
            mf_gemm_s8(j->x + (size_t)t0 * j->ldx, j->ldx, nt, w, j->ldw, j->w_sums + o0, j->depth, 0, no, acc,
                       BLOCK_OUTPUTS);
            finish_block(j, acc, t0, nt, o0, no);
        }
    }
}

void mf_linear_s8(const int8_t *x, int ldx, int rows, const float *row_scales, const int32_t *row_offsets,
                  const int8_t *w, int ldw, const int32_t *w_sums, const float *w_scales, const float *bias, int depth,
                  int outputs, int activation, float *y, int ldy) {
    if (rows <= 0 || outputs <= 0) return;
    linear_rows_job job = {x, ldx, rows, row_scales, row_offsets, w, ldw, w_sums, w_scales, bias,
                           depth, outputs, activation, y, ldy};
    long work = (long)rows * outputs * depth;
    // Several tasks per thread, so a worker that starts late (or a busy core) evens out.
    int tasks = work < 150000 ? 1 : mf_thread_count() * 4;
    int slices = (outputs + 15) / 16;
    if (tasks > slices) tasks = slices;
    mf_parallel_run(linear_rows_task, &job, tasks);
}
