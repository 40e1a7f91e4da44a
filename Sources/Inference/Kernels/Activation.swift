import CKernels

extension Matrix {
    /// Applies the feed-forward activation to every value in place.
    mutating func apply(_ activation: ModelConfig.Activation) {
        values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let count = Int32(buffer.count)
            switch activation {
            case .gelu: mf_gelu_erf(base, count)
            case .geluTanh: mf_gelu_tanh(base, count)
            case .relu: for index in 0..<buffer.count { base[index] = max(0, base[index]) }
            }
        }
    }
}
