import Foundation
import JSON

/// The parts of a Hugging Face `config.json` the encoder needs, for `RobertaForMaskedLM` and
/// `BertForMaskedLM` (and BERT-shaped models such as DistilRoBERTa or MiniLM).
public struct ModelConfig: Sendable, Equatable {
    public enum Family: String, Sendable {
        case roberta, bert
    }

    public enum Activation: String, Sendable {
        case gelu, geluTanh, relu
    }

    public var family: Family
    public var hiddenSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var intermediateSize: Int
    public var maxPositions: Int
    public var vocabularySize: Int
    public var typeVocabularySize: Int
    public var layerNormEpsilon: Float
    public var padTokenID: Int
    public var activation: Activation
    /// Set in folders written by `maskfill quantize`.
    public var quantization: QuantizationInfo?
    /// The JSON as read, so `quantize` can write it back with its own additions.
    public var json: JSONValue

    public var headSize: Int { hiddenSize / headCount }

    /// RoBERTa numbers positions from padding_idx + 1; BERT from 0.
    public var firstPositionID: Int { family == .roberta ? padTokenID + 1 : 0 }

    /// Longest input the position table allows.
    public var maxTokens: Int { maxPositions - firstPositionID }

    public static func load(contentsOf path: String) throws(ModelError) -> ModelConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError("cannot read \(path)")
        }
        do {
            return try ModelConfig(json: JSONValue.parse(data))
        } catch let error as ModelError {
            throw ModelError("\(path): \(error.message)")
        } catch {
            throw ModelError("\(path): \(error)")
        }
    }

    public init(json: JSONValue) throws(ModelError) {
        guard json.objectValue != nil else { throw ModelError("config.json is not a JSON object") }
        self.json = json
        let modelType = json["model_type"]?.stringValue ?? ""
        let architectures = json["architectures"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if modelType == "roberta" || modelType == "xlm-roberta" || modelType == "camembert"
            || architectures.contains(where: { $0.hasPrefix("Roberta") || $0.hasPrefix("XLMRoberta") })
        {
            family = .roberta
        } else if modelType == "bert" || architectures.contains(where: { $0.hasPrefix("Bert") }) {
            family = .bert
        } else {
            let described = modelType.isEmpty ? architectures.joined(separator: ", ") : modelType
            throw ModelError("unsupported model type \"\(described)\" (MaskFill runs BERT and RoBERTa masked LMs)")
        }

        func integer(_ key: String, default fallback: Int? = nil) throws(ModelError) -> Int {
            if let value = json[key]?.intValue, value > 0 || key == "pad_token_id" { return value }
            if json[key] == nil || json[key]?.isNull == true, let fallback { return fallback }
            throw ModelError("config.json: missing or invalid \"\(key)\"")
        }
        hiddenSize = try integer("hidden_size")
        layerCount = try integer("num_hidden_layers")
        headCount = try integer("num_attention_heads")
        intermediateSize = try integer("intermediate_size")
        maxPositions = try integer("max_position_embeddings")
        vocabularySize = try integer("vocab_size")
        typeVocabularySize = try integer("type_vocab_size", default: family == .roberta ? 1 : 2)
        padTokenID = try integer("pad_token_id", default: family == .roberta ? 1 : 0)
        layerNormEpsilon = Float(json["layer_norm_eps"]?.doubleValue ?? 1e-12)
        switch json["hidden_act"]?.stringValue ?? "gelu" {
        case "gelu": activation = .gelu
        case "gelu_new", "gelu_pytorch_tanh", "gelu_fast": activation = .geluTanh
        case "relu": activation = .relu
        case let other: throw ModelError("config.json: unsupported hidden_act \"\(other)\"")
        }
        guard hiddenSize % headCount == 0 else {
            throw ModelError("config.json: hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(headCount)")
        }
        // RoBERTa's positions start after the padding id: a negative one would read before the table.
        guard (0..<vocabularySize).contains(padTokenID) else {
            throw ModelError("config.json: pad_token_id \(padTokenID) is not a token id (vocab_size \(vocabularySize))")
        }
        guard maxTokens > 0 else { throw ModelError("config.json: max_position_embeddings \(maxPositions) leaves no room for tokens") }
        quantization = try json["quantization_config"].map { value throws(ModelError) in try QuantizationInfo(json: value) }
    }
}

/// How `maskfill quantize` stored the weights, as recorded in config.json. Version 1: int8
/// weights with per-row scales. Version 2 adds optional per-channel input scales (activation
/// smoothing), which version-1 readers would silently ignore, hence the new number.
public struct QuantizationInfo: Sendable, Equatable {
    public static let method = "maskfill-int8"
    public static let formatVersions = 1...2
    /// How the activations of some products were smoothed, or nil (format_version 1).
    public let smoothing: String?

    public init(smoothing: String? = nil) {
        self.smoothing = smoothing
    }

    var formatVersion: Int { smoothing == nil ? 1 : 2 }

    init(json: JSONValue) throws(ModelError) {
        guard json["quant_method"]?.stringValue == Self.method else {
            throw ModelError("config.json: unsupported quantization_config (quant_method \(json["quant_method"]?.serialized() ?? "missing"); MaskFill reads \"\(Self.method)\")")
        }
        guard let version = json["format_version"]?.intValue, Self.formatVersions.contains(version) else {
            throw ModelError("config.json: unsupported \(Self.method) format_version \(json["format_version"]?.serialized() ?? "missing") (this MaskFill reads \(Self.formatVersions.lowerBound) to \(Self.formatVersions.upperBound))")
        }
        smoothing = version >= 2 ? (json["smoothing"]?.stringValue ?? "input scales") : nil
    }

    var json: JSONValue {
        let plain: JSONValue = [
            "quant_method": .string(Self.method),
            "format_version": .int(Int64(formatVersion)),
            "weights": "int8 symmetric per output channel (X.weight I8, X.weight_scale F32)",
            "word_embeddings": "int8 symmetric per row (also the tied MLM decoder)",
            "activations": "8-bit asymmetric per row (scale and zero point), computed at run time",
        ]
        guard let smoothing, var object = plain.objectValue else { return plain }
        object["smoothing"] = .string(smoothing)
        return .object(object)
    }
}
