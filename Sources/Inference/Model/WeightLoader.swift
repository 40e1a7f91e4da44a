/// Reads named tensors out of a safetensors file into the precision the model runs in,
/// checking shapes, and collecting every missing name so one error can list them all.
struct WeightLoader {
    let file: SafeTensorsFile
    let precision: Precision
    /// Repack int8 Linear weights for the VNNI kernel (not when exporting them again).
    let packLinearWeights: Bool
    private(set) var missing: [String] = []

    init(file: SafeTensorsFile, precision: Precision, packLinearWeights: Bool) {
        self.file = file
        self.precision = precision
        self.packLinearWeights = packLinearWeights
    }

    func has(_ name: String) -> Bool { file.info(name) != nil }

    /// A float vector or matrix of exactly `count` elements; zeros (and a note) when absent.
    mutating func floats(_ name: String, count: Int) throws(ModelError) -> FloatBuffer {
        guard let info = file.info(name) else {
            missing.append(name)
            return FloatBuffer(count: count)
        }
        guard info.elementCount == count else {
            throw ModelError("\(file.path): tensor \"\(name)\" has shape \(info.shape), expected \(count) values")
        }
        return try file.floats(info)
    }

    /// Row 0 of a [n × columns] table.
    mutating func firstRow(_ name: String, columns: Int) throws(ModelError) -> FloatBuffer {
        guard let info = file.info(name) else {
            missing.append(name)
            return FloatBuffer(count: columns)
        }
        guard info.shape.count == 2, info.shape[1] == columns, info.shape[0] >= 1 else {
            throw ModelError("\(file.path): tensor \"\(name)\" has shape \(info.shape), expected [n, \(columns)]")
        }
        let table = try file.floats(info)
        return FloatBuffer(Array(UnsafeBufferPointer(start: table.pointer, count: columns)))
    }

    /// A [rows × columns] weight matrix, stored as float or as int8 with `<name>_scale`,
    /// converted to the model's precision.
    mutating func matrix(_ name: String, rows: Int, columns: Int) throws(ModelError) -> WeightMatrix {
        guard let info = file.info(name) else {
            missing.append(name)
            return .float(FloatBuffer(count: rows * columns), rows: rows, columns: columns)
        }
        guard info.shape == [rows, columns] else {
            throw ModelError("\(file.path): tensor \"\(name)\" has shape \(info.shape), expected [\(rows), \(columns)]")
        }
        if info.dtype == .i8 {
            let values = try file.int8(info)
            let scales = try floats(name + "_scale", count: rows)
            switch precision {
            case .int8:
                return .int8(values, scales: scales, rowSums: WeightQuantizer.rowSums(values, rows: rows, columns: columns), rows: rows, columns: columns)
            case .fp32:
                return .float(WeightQuantizer.dequantize(values, scales: scales, rows: rows, columns: columns), rows: rows, columns: columns)
            }
        }
        let values = try file.floats(info)
        switch precision {
        case .fp32: return .float(values, rows: rows, columns: columns)
        case .int8: return WeightQuantizer.quantize(values, rows: rows, columns: columns)
        }
    }

    /// As `matrix`, in the VNNI packed layout when `packLinearWeights` is set and the CPU has
    /// the kernel.
    mutating func packableMatrix(_ name: String, rows: Int, columns: Int) throws(ModelError) -> WeightMatrix {
        var weights = try matrix(name, rows: rows, columns: columns)
        if packLinearWeights {
            weights = weights.packedForVNNI()
            // The row-major bytes of a memory-mapped file are not read again: let them go.
            if case .packedInt8 = weights, let info = file.info(name), info.dtype == .i8 {
                file.file.release(info.byteRange)
            }
        }
        return weights
    }

    mutating func linear(_ base: String, outputs: Int, inputs: Int) throws(ModelError) -> LinearLayer {
        let bias = try floats(base + ".bias", count: outputs)
        guard has(base + ".input_scale") else {
            return LinearLayer(weights: try packableMatrix(base + ".weight", rows: outputs, columns: inputs), bias: bias)
        }
        // A smoothed int8 layer (format_version 2): its stored columns were divided by these
        // factors, so int8 runs multiply the input by them and fp32 runs fold them back in.
        guard file.info(base + ".weight")?.dtype == .i8 else {
            throw ModelError("\(file.path): \(base).input_scale comes only with int8 weights")
        }
        let scale = try floats(base + ".input_scale", count: inputs)
        for index in 0..<inputs where !(scale.pointer[index].isFinite && scale.pointer[index] > 0) {
            throw ModelError("\(file.path): \(base).input_scale[\(index)] is \(scale.pointer[index]); the factors must be positive")
        }
        switch precision {
        case .int8:
            return LinearLayer(weights: try packableMatrix(base + ".weight", rows: outputs, columns: inputs), bias: bias, inputScale: scale)
        case .fp32:
            return LinearLayer(weights: try matrix(base + ".weight", rows: outputs, columns: inputs).scalingColumns(by: scale), bias: bias)
        }
    }

    mutating func layerNorm(_ base: String, size: Int) throws(ModelError) -> LayerNormWeights {
        LayerNormWeights(gamma: try floats(base + ".weight", count: size), beta: try floats(base + ".bias", count: size))
    }
}
