// Row-wise fp32 work between the matrix products: quantization, GELU, softmax, LayerNorm.
// Plain C loops the compiler vectorizes; they are a small share of a forward pass.
#include "CKernels.h"
#include "rounding.h"
#include "vector_math.h"

#include <math.h>
#include <stddef.h>

float mf_quantize_row_s8(const float *x, int n, int8_t *q) {
    float max_abs = 0;
    for (int i = 0; i < n; i++) {
        float a = fabsf(x[i]);
        max_abs = a > max_abs ? a : max_abs;
    }
    if (!(max_abs > 0) || !isfinite(max_abs)) {
        for (int i = 0; i < n; i++) q[i] = 0;
        return 0;
    }
    float scale = max_abs / 127.0f;
    float inverse = 127.0f / max_abs;
    for (int i = 0; i < n; i++) {
        float v = x[i] * inverse;
        v = v > 127.0f ? 127.0f : (v < -127.0f ? -127.0f : v);
        v = round_even(v);
        q[i] = (int8_t)v;
    }
    return scale;
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static void gelu_erf_avx512(float *x, int n) {
    for (int i = 0; i < n; i += 16) {
        __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        __m512 v = _mm512_maskz_loadu_ps(m, x + i);
        __m512 e = mf_erf512(_mm512_mul_ps(v, _mm512_set1_ps(0.70710678118654752f)));
        __m512 g = _mm512_mul_ps(_mm512_mul_ps(v, _mm512_set1_ps(0.5f)), _mm512_add_ps(e, _mm512_set1_ps(1.0f)));
        _mm512_mask_storeu_ps(x + i, m, g);
    }
}

__attribute__((target("avx512f"))) static void softmax_avx512(float *x, int n) {
    __m512 maxv = _mm512_set1_ps(-INFINITY);
    for (int i = 0; i < n; i += 16) {
        __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        maxv = _mm512_mask_max_ps(maxv, m, maxv, _mm512_maskz_loadu_ps(m, x + i));
    }
    __m512 max = _mm512_set1_ps(_mm512_reduce_max_ps(maxv));
    __m512 sum = _mm512_setzero_ps();
    for (int i = 0; i < n; i += 16) {
        __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        __m512 e = mf_exp512(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), max));
        e = _mm512_maskz_mov_ps(m, e);
        sum = _mm512_add_ps(sum, e);
        _mm512_mask_storeu_ps(x + i, m, e);
    }
    __m512 inverse = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sum));
    for (int i = 0; i < n; i += 16) {
        __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(x + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), inverse));
    }
}

// The AVX2 loops use whole-vector loads and stores and mask only the last partial vector:
// AMD's Zen cores run masked stores (vmaskmovps) as slow microcode.
__attribute__((target("avx2,fma"), always_inline)) static inline __m256 gelu_erf8(__m256 v) {
    __m256 e = mf_erf256(_mm256_mul_ps(v, _mm256_set1_ps(0.70710678118654752f)));
    return _mm256_mul_ps(_mm256_mul_ps(v, _mm256_set1_ps(0.5f)), _mm256_add_ps(e, _mm256_set1_ps(1.0f)));
}

__attribute__((target("avx2,fma"))) static void gelu_erf_avx2(float *x, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, gelu_erf8(_mm256_loadu_ps(x + i)));
    if (i < n) {
        __m256i m = mf_lanes8(n - i);
        _mm256_maskstore_ps(x + i, m, gelu_erf8(_mm256_maskload_ps(x + i, m)));
    }
}

__attribute__((target("avx2,fma"))) static void softmax_avx2(float *x, int n) {
    int body = n & ~7;
    __m256 max0 = _mm256_set1_ps(-INFINITY), max1 = max0;
    int i = 0;
    for (; i + 16 <= body; i += 16) {
        max0 = _mm256_max_ps(max0, _mm256_loadu_ps(x + i));
        max1 = _mm256_max_ps(max1, _mm256_loadu_ps(x + i + 8));
    }
    if (i < body) max0 = _mm256_max_ps(max0, _mm256_loadu_ps(x + i));
    max0 = _mm256_max_ps(max0, max1);
    __m128 half = _mm_max_ps(_mm256_castps256_ps128(max0), _mm256_extractf128_ps(max0, 1));
    half = _mm_max_ps(half, _mm_movehl_ps(half, half));
    half = _mm_max_ss(half, _mm_movehdup_ps(half));
    float top = _mm_cvtss_f32(half);
    for (i = body; i < n; i++) top = x[i] > top ? x[i] : top;
    __m256 max = _mm256_set1_ps(top);
    __m256 sum0 = _mm256_setzero_ps(), sum1 = _mm256_setzero_ps();
    for (i = 0; i + 16 <= body; i += 16) {
        __m256 e0 = mf_exp256(_mm256_sub_ps(_mm256_loadu_ps(x + i), max));
        __m256 e1 = mf_exp256(_mm256_sub_ps(_mm256_loadu_ps(x + i + 8), max));
        _mm256_storeu_ps(x + i, e0);
        _mm256_storeu_ps(x + i + 8, e1);
        sum0 = _mm256_add_ps(sum0, e0);
        sum1 = _mm256_add_ps(sum1, e1);
    }
    if (i < body) {
        __m256 e = mf_exp256(_mm256_sub_ps(_mm256_loadu_ps(x + i), max));
        _mm256_storeu_ps(x + i, e);
        sum0 = _mm256_add_ps(sum0, e);
    }
    if (body < n) {
        __m256i m = mf_lanes8(n - body);
        __m256 e = _mm256_and_ps(mf_exp256(_mm256_sub_ps(_mm256_maskload_ps(x + body, m), max)), _mm256_castsi256_ps(m));
        _mm256_maskstore_ps(x + body, m, e);
        sum1 = _mm256_add_ps(sum1, e);
    }
    __m256 inverse = _mm256_set1_ps(1.0f / mf_hsum256(_mm256_add_ps(sum0, sum1)));
    for (i = 0; i < body; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), inverse));
    if (body < n) {
        __m256i m = mf_lanes8(n - body);
        _mm256_maskstore_ps(x + body, m, _mm256_mul_ps(_mm256_maskload_ps(x + body, m), inverse));
    }
}
#endif

void mf_gelu_erf(float *x, int n) {
#if defined(__x86_64__)
    int features = mf_cpu_features();
    if (features & MF_CPU_AVX512) {
        gelu_erf_avx512(x, n);
        return;
    }
    if (features & MF_CPU_AVX2) {
        gelu_erf_avx2(x, n);
        return;
    }
#endif
    for (int i = 0; i < n; i++) {
        float v = x[i];
        x[i] = 0.5f * v * (1.0f + erff(v * 0.70710678118654752f));
    }
}

void mf_gelu_tanh(float *x, int n) {
    for (int i = 0; i < n; i++) {
        float v = x[i];
        float inner = 0.7978845608028654f * (v + 0.044715f * v * v * v);
        x[i] = 0.5f * v * (1.0f + tanhf(inner));
    }
}

void mf_softmax(float *x, int n) {
    if (n <= 0) return;
#if defined(__x86_64__)
    int features = mf_cpu_features();
    if (features & MF_CPU_AVX512) {
        softmax_avx512(x, n);
        return;
    }
    if (features & MF_CPU_AVX2) {
        softmax_avx2(x, n);
        return;
    }
#endif
    float max = x[0];
    for (int i = 1; i < n; i++) max = x[i] > max ? x[i] : max;
    float sum = 0;
    for (int i = 0; i < n; i++) {
        x[i] = expf(x[i] - max);
        sum += x[i];
    }
    float inverse = 1.0f / sum;
    for (int i = 0; i < n; i++) x[i] *= inverse;
}

void mf_add_layer_norm(float *x, const float *residual, const float *gamma, const float *beta, int n, float eps) {
    if (residual)
        for (int i = 0; i < n; i++) x[i] += residual[i];
    float mean = 0;
    for (int i = 0; i < n; i++) mean += x[i];
    mean /= (float)n;
    float variance = 0;
    for (int i = 0; i < n; i++) {
        float d = x[i] - mean;
        variance += d * d;
    }
    variance /= (float)n;
    float inverse = 1.0f / sqrtf(variance + eps);
    for (int i = 0; i < n; i++) x[i] = (x[i] - mean) * inverse * gamma[i] + beta[i];
}

void mf_dequantize_rows(const int32_t *acc, int rows, int cols, const float *row_scales, const int32_t *row_offsets,
                        const float *col_scales, const int32_t *col_sums, const float *bias, float *y) {
    for (int t = 0; t < rows; t++) {
        const int32_t *a = acc + (size_t)t * cols;
        float *out = y + (size_t)t * cols;
        float rs = row_scales[t];
        int32_t ro = row_offsets[t];
        for (int o = 0; o < cols; o++) {
            float v = (float)(a[o] + ro * col_sums[o]) * rs * col_scales[o];
            out[o] = bias ? v + bias[o] : v;
        }
    }
}

void mf_add_bias(float *y, int rows, int cols, const float *bias) {
    for (int t = 0; t < rows; t++) {
        float *out = y + (size_t)t * cols;
        for (int o = 0; o < cols; o++) out[o] += bias[o];
    }
}
