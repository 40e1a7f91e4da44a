import CKernels

/// y = activation(x Wᵀ + b), with W stored [outputs, inputs] as Hugging Face saves Linear layers.
struct LinearLayer: Sendable {
    let weights: WeightMatrix
    let bias: FloatBuffer?

    var outputs: Int { weights.rows }
    var inputs: Int { weights.columns }

    /// `codes` may carry x already quantized (int8 weights only).
    func apply(_ x: Matrix, codes: ActivationCodes? = nil, activation: ModelConfig.Activation? = nil) -> Matrix {
        switch weights {
        case .packedInt8, .int8: return applyInt8(codes ?? ActivationCodes(x), activation: activation)
        case .float: break
        }
        var y = weights.multiply(x, codes: codes)
        if let bias {
            y.values.withUnsafeMutableBufferPointer { out in
                guard let base = out.baseAddress else { return }
                mf_add_bias(base, Int32(y.rows), Int32(y.columns), bias.pointer)
            }
        }
        if let activation { y.apply(activation) }
        return y
    }

    /// The int8 paths (packed for VNNI, row-major otherwise): one call does the product,
    /// dequantization, bias and (but for the tanh GELU) the activation.
    private func applyInt8(_ codes: ActivationCodes, activation: ModelConfig.Activation?) -> Matrix {
        let fused: mf_activation = switch activation {
        case nil, .geluTanh: MF_ACTIVATION_NONE
        case .gelu: MF_ACTIVATION_GELU_ERF
        case .relu: MF_ACTIVATION_RELU
        }
        var y = if case .packedInt8 = weights {
            weights.multiplyPacked(codes, bias: bias, activation: fused)
        } else {
            weights.multiplyRowMajor(codes, bias: bias, activation: fused)
        }
        if activation == .geluTanh { y.apply(.geluTanh) }
        return y
    }
}
