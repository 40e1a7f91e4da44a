// The packed weight layout of the VNNI linear kernel (linear_s8_packed.c): blocks of 16 output
// rows, each 64-byte chunk holding 4 consecutive inputs of those 16 rows. One chunk load feeds
// a broadcast of 4 activation bytes per row, and each accumulator holds 16 finished outputs: no
// horizontal reductions (the row-major kernel in gemm_s8.c spends a third of its time on them).
#include "CKernels.h"

#include <stdlib.h>
#include <string.h>

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

int mf_packed_s8_available(void) {
#if defined(__x86_64__)
    return (mf_cpu_features() & MF_CPU_AVX512_VNNI) != 0;
#else
    return 0;
#endif
}
