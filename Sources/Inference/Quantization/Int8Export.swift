import Foundation
import JSON

/// `maskfill quantize`: an int8 model folder, the same layout as a Hugging Face one. Linear
/// and embedding weights are I8 with an F32 `<name>_scale` per row; LayerNorms, biases and the
/// position tables stay F32. config.json records the scheme; tokenizer.json is copied.
/// With `smoothing`, the products that read LayerNorm outputs are smoothed (see
/// `ActivationSmoothing`) and carry an F32 `<name>.input_scale`: format_version 2.
public enum Int8Export {
    public static func quantize(folder source: String, to destination: String, smoothing: ActivationSmoothing? = nil) throws(ModelError) {
        var model: MaskedLanguageModel
        var info = QuantizationInfo()
        if let smoothing {
            let float = try MaskedLanguageModel.load(folder: source, precision: .fp32, packWeights: false)
            guard float.config.quantization == nil else {
                throw ModelError("\(source) is already quantized; smoothing needs the float checkpoint it came from")
            }
            let (smoothed, sequences) = try smoothing.quantize(float)
            model = smoothed
            info = QuantizationInfo(smoothing: smoothing.describe(sequences: sequences))
        } else {
            model = try MaskedLanguageModel.load(folder: source, precision: .int8, packWeights: false)
        }
        let tokenizer = source + "/tokenizer.json"
        guard FileManager.default.fileExists(atPath: tokenizer) else { throw ModelError("\(tokenizer) does not exist") }
        do {
            try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
        } catch {
            throw ModelError("cannot create \(destination): \(error.localizedDescription)")
        }
        try write(model, to: destination + "/model.safetensors")
        var config = model.config.json.objectValue ?? JSONObject()
        config["quantization_config"] = info.json
        try writeFile(JSONValue.object(config).serializedBytes(), to: destination + "/config.json")
        guard let tokenizerBytes = FileManager.default.contents(atPath: tokenizer) else { throw ModelError("cannot read \(tokenizer)") }
        try writeFile(Array(tokenizerBytes), to: destination + "/tokenizer.json")
    }

    static func write(_ model: MaskedLanguageModel, to path: String) throws(ModelError) {
        let names = WeightNames(family: model.config.family, prefix: model.config.family == .roberta ? "roberta." : "bert.")
        var writer = SafeTensorsWriter()
        let hidden = model.config.hiddenSize
        func vector(_ name: String, _ buffer: FloatBuffer, shape: [Int]? = nil) {
            writer.add(name, dtype: .f32, shape: shape ?? [buffer.count], bytes: UnsafeRawBufferPointer(start: buffer.pointer, count: buffer.count * 4))
        }
        func matrix(_ name: String, _ weights: WeightMatrix) throws(ModelError) {
            guard case .int8(let values, let scales, _, let rows, let columns) = weights else {
                throw ModelError("internal: \(name) is not quantized")
            }
            writer.add(name, dtype: .i8, shape: [rows, columns], bytes: UnsafeRawBufferPointer(start: values.pointer, count: rows * columns))
            vector(name + "_scale", scales)
        }
        func linear(_ base: String, _ layer: LinearLayer) throws(ModelError) {
            try matrix(base + ".weight", layer.weights)
            if let bias = layer.bias { vector(base + ".bias", bias) }
            if let scale = layer.inputScale { vector(base + ".input_scale", scale) }
        }
        func norm(_ base: String, _ weights: LayerNormWeights) {
            vector(base + ".weight", weights.gamma)
            vector(base + ".bias", weights.beta)
        }
        let embeddings = model.embeddings
        try matrix(names.wordEmbeddings, embeddings.words)
        vector(names.positionEmbeddings, embeddings.positions, shape: [model.config.maxPositions, hidden])
        vector(names.tokenTypeEmbeddings, embeddings.tokenType, shape: [1, hidden])
        norm(names.embeddingNorm, embeddings.norm)
        for (index, layer) in model.layers.enumerated() {
            try linear(names.layer(index, "attention.self.query"), layer.query)
            try linear(names.layer(index, "attention.self.key"), layer.key)
            try linear(names.layer(index, "attention.self.value"), layer.value)
            try linear(names.layer(index, "attention.output.dense"), layer.attentionOutput)
            norm(names.layer(index, "attention.output.LayerNorm"), layer.attentionNorm)
            try linear(names.layer(index, "intermediate.dense"), layer.intermediate)
            try linear(names.layer(index, "output.dense"), layer.output)
            norm(names.layer(index, "output.LayerNorm"), layer.outputNorm)
        }
        let head = model.head
        try linear(names.headDense, head.dense)
        norm(names.headNorm, head.norm)
        if !head.decoderIsTied { try matrix(names.decoderWeight, head.decoder) }
        vector(names.decoderBiases[0], head.bias)
        try writer.write(to: path, metadata: ["format": "pt", "producer": "maskfill quantize", "quantization": QuantizationInfo.method])
    }

    static func writeFile(_ bytes: [UInt8], to path: String) throws(ModelError) {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ModelError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
