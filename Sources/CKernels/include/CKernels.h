// MaskFill's hot loops: int8 and fp32 matrix products and the elementwise work around them.
// Swift calls these through thin wrappers (Sources/Inference/Kernels). Each entry point picks
// an implementation at run time: AVX-512 VNNI, AVX2, or portable C.
#ifndef MASKFILL_CKERNELS_H
#define MASKFILL_CKERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    MF_CPU_AVX2 = 1,
    MF_CPU_AVX512 = 2,       // AVX-512 F + BW
    MF_CPU_AVX512_VNNI = 4,
};

/// Features of this CPU that the kernels use (MF_CPU_* bits).
int mf_cpu_features(void);

/// Limits the kernels to the features in `mask` (for tests and benchmarks of each path).
void mf_set_cpu_feature_mask(int mask);

/// Active implementation name: "avx512-vnni", "avx2" or "portable".
const char *mf_kernel_name(void);

/// y[t*ldy + o] = sum_i x[t*ldx + i] * w[o*ldw + i], for t < rows and o in [o_begin, o_end).
/// x holds int8 values in [-128, 127], w in [-127, 127]. `w_sums[o]` = sum_i w[o*ldw + i]
/// (needed by the VNNI path, which multiplies unsigned bytes).
void mf_gemm_s8(const int8_t *x, int ldx, int rows, const int8_t *w, int ldw, const int32_t *w_sums,
                int depth, int o_begin, int o_end, int32_t *y, int ldy);

/// y[t*ldy + o] = sum_i x[t*ldx + i] * w[o*ldw + i], for t < rows and o in [o_begin, o_end).
void mf_gemm_f32(const float *x, int ldx, int rows, const float *w, int ldw, int depth, int o_begin, int o_end,
                 float *y, int ldy);

/// Bytes a weight matrix takes in the VNNI packed layout (16-output blocks of 4-input chunks).
int mf_packed_s8_size(int outputs, int depth);

/// Repacks a row-major [outputs × depth] int8 matrix into the packed layout.
void mf_pack_s8(const int8_t *w, int ldw, int outputs, int depth, int8_t *packed);

/// Whether this CPU runs the packed kernel (AVX-512 VNNI); without it, use mf_gemm_s8.
int mf_packed_s8_available(void);

/// Threads the *_parallel products use (the caller plus a pool of workers; workers are
/// started on first use and spin briefly between jobs, then sleep).
void mf_set_threads(int threads);
int mf_thread_count(void);

/// mf_gemm_s8 over all `outputs`, split across the thread pool.
void mf_gemm_s8_parallel(const int8_t *x, int ldx, int rows, const int8_t *w, int ldw, const int32_t *w_sums,
                         int depth, int outputs, int32_t *y, int ldy);

/// mf_gemm_f32 over all `outputs`, split across the thread pool.
void mf_gemm_f32_parallel(const float *x, int ldx, int rows, const float *w, int ldw, int depth, int outputs, float *y,
                          int ldy);

/// Symmetric int8 quantization of one row: q = round(x / scale), scale = max|x| / 127.
/// Returns the scale (0 for an all-zero row, whose q is all zero).
float mf_quantize_row_s8(const float *x, int n, int8_t *q);

/// Sum of n int8 values.
int32_t mf_sum_s8(const int8_t *x, int n);

/// x = gelu(x) with the exact (erf) form that Hugging Face's "gelu" uses.
void mf_gelu_erf(float *x, int n);

/// x = gelu(x) with the tanh approximation ("gelu_new", "gelu_pytorch_tanh").
void mf_gelu_tanh(float *x, int n);

/// In-place softmax of one row.
void mf_softmax(float *x, int n);

/// x = layer_norm(x + residual) * gamma + beta over one row of n (residual may be NULL).
void mf_add_layer_norm(float *x, const float *residual, const float *gamma, const float *beta, int n, float eps);

/// y[t][o] = (acc[t][o] + row_offsets[t] * col_sums[o]) * row_scales[t] * col_scales[o] + bias[o]
/// (bias may be NULL): undoes asymmetric activation and symmetric weight quantization.
void mf_dequantize_rows(const int32_t *acc, int rows, int cols, const float *row_scales, const int32_t *row_offsets,
                        const float *col_scales, const int32_t *col_sums, const float *bias, float *y);

/// y[t][o] += bias[o].
void mf_add_bias(float *y, int rows, int cols, const float *bias);

/// Activations fused into mf_linear_s8_packed's output.
typedef enum {
    MF_ACTIVATION_NONE = 0,
    MF_ACTIVATION_GELU_ERF = 1,
    MF_ACTIVATION_RELU = 2,
} mf_activation;

/// Asymmetric 8-bit quantization of activation rows, as ONNX Runtime's dynamic quantization:
/// over [min(x, 0), max(x, 0)] in 255 steps, x[t][i] ≈ scales[t] * (codes[t][i] - zero_points[t]),
/// codes in [0, 255], zero itself exact. Skewed rows such as GELU outputs keep twice the
/// resolution of symmetric int8. An all-zero (or non-finite) row gets scale 0 and codes 0.
/// Row t's codes start at codes + t*ldc; bytes from `depth` to `ldc` are set to 0 (ldc = depth
/// rounded up to a multiple of 4 for the packed kernel).
void mf_quantize_rows_u8(const float *x, int ldx, int rows, int depth, uint8_t *codes, int ldc, float *scales,
                         int32_t *zero_points);

/// mf_quantize_rows_u8, rows split across the thread pool.
void mf_quantize_rows_u8_parallel(const float *x, int ldx, int rows, int depth, uint8_t *codes, int ldc,
                                  float *scales, int32_t *zero_points);

/// A linear layer on packed int8 weights, split across the thread pool:
/// y[t][o] = act(row_scales[t] * w_scales[o] * (Σ_i codes[t][i]·w[o][i] − zero_points[t]·w_sums[o]) + bias[o]),
/// bias may be NULL; `activation` is an MF_ACTIVATION_*. Dequantization and the activation are
/// applied to each tile in registers.
void mf_linear_s8_packed(const uint8_t *codes, int ldc, int rows, const float *row_scales, const int32_t *zero_points,
                         const int8_t *packed, const int32_t *w_sums, const float *w_scales, const float *bias,
                         int depth, int outputs, int activation, float *y, int ldy);

/// A linear layer on row-major int8 weights (x as signed codes, x ≈ row_scale · (x + row_offset)),
/// split across the thread pool: y[t][o] = act(row_scales[t] * w_scales[o] *
/// (Σ_i x[t][i]·w[o][i] + row_offsets[t]·w_sums[o]) + bias[o]); bias may be NULL, `activation`
/// is an MF_ACTIVATION_*. Each block is dequantized and activated as soon as it is computed.
void mf_linear_s8(const int8_t *x, int ldx, int rows, const float *row_scales, const int32_t *row_offsets,
                  const int8_t *w, int ldw, const int32_t *w_sums, const float *w_scales, const float *bias, int depth,
                  int outputs, int activation, float *y, int ldy);

/// Multi-head attention context, heads split across the thread pool: for each head h (columns
/// h*head_size ..< (h+1)*head_size), out_h = softmax(q_h k_hᵀ · scale) v_h. q is [nq × ldq],
/// k and v are [nk × ldkv], out is [nq × ldo].
void mf_attention(const float *q, int ldq, int nq, const float *k, const float *v, int ldkv, int nk, int heads,
                  int head_size, float scale, float *out, int ldo);

/// mf_add_layer_norm on each of `rows` rows of n (residual may be NULL), split across the pool.
void mf_add_layer_norm_rows(float *x, const float *residual, const float *gamma, const float *beta, int rows, int n,
                            float eps);

#ifdef __cplusplus
}
#endif

#endif
