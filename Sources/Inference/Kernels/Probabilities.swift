import CKernels

/// Softmax over a row of logits (vectorized; the vocabulary has tens of thousands of entries).
public enum Probabilities {
    public static func softmax(_ logits: [Float]) -> [Float] {
        var values = logits
        values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            mf_softmax(base, Int32(buffer.count))
        }
        return values
    }
}
