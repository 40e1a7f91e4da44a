// The packed weight layout of the VNNI linear kernel (linear_s8_packed.c): blocks of 16 output
// rows, each 64-byte chunk holding 4 consecutive inputs of those 16 rows. One chunk load feeds
// a broadcast of 4 activation bytes per row, and each accumulator holds 16 finished outputs: no
// horizontal reductions (the row-major kernel in gemm_s8.c spends a third of its time on them).
#include "CKernels.h"
#include "thread_pool.h"

#include <string.h>

int mf_packed_s8_size(int outputs, int depth) {
    int blocks = (outputs + 15) / 16;
    int groups = (depth + 3) / 4;
    return blocks * groups * 64;
}

typedef struct {
    const int8_t *w;
    int ldw, outputs, depth;
    int8_t *packed;
} pack_job;

static void pack_blocks(const pack_job *j, int block_begin, int block_end) {
    int groups = (j->depth + 3) / 4;
    int whole_groups = j->depth / 4;
    for (int b = block_begin; b < block_end; b++) {
        int8_t *block = j->packed + (size_t)b * groups * 64;
        memset(block, 0, (size_t)groups * 64);
        for (int lane = 0; lane < 16; lane++) {
            int o = b * 16 + lane;
            if (o >= j->outputs) break;
            const int8_t *row = j->w + (size_t)o * j->ldw;
            // Whole groups move as 4-byte words; a last partial group byte by byte.
            for (int g = 0; g < whole_groups; g++) memcpy(block + (size_t)g * 64 + lane * 4, row + 4 * g, 4);
            for (int i = whole_groups * 4; i < j->depth; i++) block[(size_t)(i / 4) * 64 + lane * 4 + i % 4] = row[i];
        }
    }
}

static void pack_task(void *context, int task, int tasks) {
    const pack_job *j = context;
    int blocks = (j->outputs + 15) / 16;
    int per = (blocks + tasks - 1) / tasks;
    int begin = task * per, end = begin + per < blocks ? begin + per : blocks;
    if (begin < end) pack_blocks(j, begin, end);
}

void mf_pack_s8(const int8_t *w, int ldw, int outputs, int depth, int8_t *packed) {
    pack_job job = {w, ldw, outputs, depth, packed};
    int blocks = (outputs + 15) / 16;
    long bytes = (long)outputs * depth;
    int tasks = bytes < (1 << 20) ? 1 : mf_thread_count() * 2;
    mf_parallel_run(pack_task, &job, tasks < blocks ? tasks : (blocks > 0 ? blocks : 1));
}

int mf_packed_s8_available(void) {
#if defined(__x86_64__)
    return (mf_cpu_features() & MF_CPU_AVX512_VNNI) != 0;
#else
    return 0;
#endif
}
