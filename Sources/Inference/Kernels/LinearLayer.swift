import CKernels

/// y = activation(x Wᵀ + b), with W stored [outputs, inputs] as Hugging Face saves Linear layers.
struct LinearLayer: Sendable {
    let weights: WeightMatrix
    let bias: FloatBuffer?
    /// Activation smoothing (int8 weights only): x is multiplied by this, one factor per input
    /// channel, before it is rounded to 8 bits, and the weight's columns were divided by the same
    /// factors when it was quantized, so the product is unchanged while channels with outsized
    /// values no longer set every row's rounding step.
    let inputScale: FloatBuffer?

    init(weights: WeightMatrix, bias: FloatBuffer?, inputScale: FloatBuffer? = nil) {
        self.weights = weights
        self.bias = bias
        self.inputScale = inputScale
    }

    /// Layers that read the same input (query, key, value) with equal smoothing factors get one
    /// shared factor buffer, so that one set of codes serves them all.
    static func sharingInputScale(_ layers: [LinearLayer]) -> [LinearLayer] {
        guard let first = layers.first?.inputScale else { return layers }
        let same = layers.allSatisfy { layer in
            guard let scale = layer.inputScale, scale.count == first.count else { return false }
            return (0..<first.count).allSatisfy { scale.pointer[$0] == first.pointer[$0] }
        }
        guard same else { return layers }
        return layers.map { LinearLayer(weights: $0.weights, bias: $0.bias, inputScale: first) }
    }

    var outputs: Int { weights.rows }
    var inputs: Int { weights.columns }

    /// Codes of this layer's input, smoothed as it expects.
    func codes(for x: Matrix) -> ActivationCodes {
        ActivationCodes(x, inputScale: inputScale)
    }

    /// `codes` may carry x already quantized (int8 weights only); they are used only when they
    /// were made with this layer's `inputScale`.
    func apply(_ x: Matrix, codes: ActivationCodes? = nil, activation: ModelConfig.Activation? = nil) -> Matrix {
        switch weights {
        case .packedInt8, .int8:
            let usable = codes.flatMap { $0.madeWith(inputScale: inputScale) ? $0 : nil }
            return applyInt8(usable ?? self.codes(for: x), activation: activation)
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
