import CKernels
import Foundation

/// One pass of the encoder over a token sequence. Only `outputRows` are needed at the end
/// (the masks), so the last layer computes queries, attention output and feed-forward for those
/// rows alone; keys and values still come from every row.
struct EncoderForward {
    let model: MaskedLanguageModel
    /// Sees the inputs of the products that activation smoothing rescales (calibration only).
    var observe: ((SmoothingSite, Matrix) -> Void)? = nil

    var config: ModelConfig { model.config }

    func run(tokenIDs: [Int], outputRows: [Int]) -> Matrix {
        var x = embed(tokenIDs)
        for (index, layer) in model.layers.enumerated() {
            let isLast = index == model.layers.count - 1
            x = forward(layer, index: index, x, queryRows: isLast ? outputRows : nil)
        }
        return model.layers.isEmpty ? x.gathering(rows: outputRows) : x
    }

    /// Word + position + token-type embeddings, then LayerNorm.
    func embed(_ tokenIDs: [Int]) -> Matrix {
        let hidden = config.hiddenSize
        var x = Matrix(rows: tokenIDs.count, columns: hidden)
        let embeddings = model.embeddings
        x.values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for (row, id) in tokenIDs.enumerated() {
                let out = base + row * hidden
                embeddings.words.row(id, into: out)
                let position = embeddings.positions.pointer + (config.firstPositionID + row) * hidden
                for column in 0..<hidden { out[column] += position[column] + embeddings.tokenType.pointer[column] }
                mf_add_layer_norm(out, nil, embeddings.norm.gamma.pointer, embeddings.norm.beta.pointer, Int32(hidden), config.layerNormEpsilon)
            }
        }
        return x
    }

    func forward(_ layer: EncoderLayerWeights, index: Int, _ x: Matrix, queryRows: [Int]?) -> Matrix {
        observe?(.attentionInput(layer: index), x)
        // Key, value (and, but for the last layer, query) read the same input: quantize it once.
        let shared = ActivationCodes.needed(by: layer.key.weights) ? layer.key.codes(for: x) : nil
        let keys = layer.key.apply(x, codes: shared)
        let values = layer.value.apply(x, codes: shared)
        let residual = queryRows.map { x.gathering(rows: $0) } ?? x
        let queries = layer.query.apply(residual, codes: queryRows == nil ? shared : nil)
        let context = attention(queries: queries, keys: keys, values: values)
        var attended = layer.attentionOutput.apply(context)
        addLayerNorm(&attended, residual: residual, layer.attentionNorm)
        observe?(.feedForwardInput(layer: index), attended)
        let inner = layer.intermediate.apply(attended, activation: config.activation)
        var output = layer.output.apply(inner)
        addLayerNorm(&output, residual: attended, layer.outputNorm)
        return output
    }

    /// softmax(q kᵀ / √d) v per head; heads run in parallel (mf_attention).
    func attention(queries: Matrix, keys: Matrix, values: Matrix) -> Matrix {
        let hidden = config.hiddenSize
        var context = Matrix(rows: queries.rows, columns: hidden)
        queries.values.withUnsafeBufferPointer { q in
            keys.values.withUnsafeBufferPointer { k in
                values.values.withUnsafeBufferPointer { v in
                    context.values.withUnsafeMutableBufferPointer { out in
                        guard let qBase = q.baseAddress, let kBase = k.baseAddress, let vBase = v.baseAddress,
                            let outBase = out.baseAddress
                        else { return }
                        Parallel.ensureStarted()
                        mf_attention(qBase, Int32(hidden), Int32(queries.rows), kBase, vBase, Int32(hidden), Int32(keys.rows),
                                     Int32(config.headCount), Int32(config.headSize), 1 / Float(config.headSize).squareRoot(),
                                     outBase, Int32(hidden))
                    }
                }
            }
        }
        return context
    }

    func addLayerNorm(_ x: inout Matrix, residual: Matrix, _ norm: LayerNormWeights) {
        let columns = x.columns
        let epsilon = config.layerNormEpsilon
        x.values.withUnsafeMutableBufferPointer { out in
            residual.values.withUnsafeBufferPointer { res in
                guard let outBase = out.baseAddress, let resBase = res.baseAddress else { return }
                Parallel.ensureStarted()
                mf_add_layer_norm_rows(outBase, resBase, norm.gamma.pointer, norm.beta.pointer, Int32(x.rows), Int32(columns), epsilon)
            }
        }
    }
}

/// The masked-LM head on the encoder's output rows: dense, activation, LayerNorm, then the
/// decoder against the vocabulary with its bias.
struct HeadForward {
    let model: MaskedLanguageModel
    var observe: ((SmoothingSite, Matrix) -> Void)? = nil

    func run(_ hidden: Matrix) -> Matrix {
        let head = model.head
        observe?(.headInput, hidden)
        var transformed = head.dense.apply(hidden, activation: model.config.activation)
        let epsilon = model.config.layerNormEpsilon
        let columns = transformed.columns
        transformed.values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for row in 0..<transformed.rows {
                mf_add_layer_norm(base + row * columns, nil, head.norm.gamma.pointer, head.norm.beta.pointer, Int32(columns), epsilon)
            }
        }
        let decoder = LinearLayer(weights: head.decoder, bias: head.bias)
        return decoder.apply(transformed)
    }
}
