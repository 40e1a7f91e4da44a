import JSON

/// One tensor's entry in a safetensors header.
public struct TensorInfo: Sendable, Equatable {
    public var name: String
    public var dtype: DType
    public var shape: [Int]
    /// Absolute byte range in the file.
    public var byteRange: Range<Int>

    public var elementCount: Int { shape.reduce(1, *) }
}

/// A safetensors file, memory-mapped. The header is checked before anything is read: its
/// length, its JSON, every tensor's dtype, shape and offsets (inside the data section, sized
/// as dtype × shape, not overlapping), so that no later read can leave the file.
public final class SafeTensorsFile: Sendable {
    public let path: String
    public let tensors: [String: TensorInfo]
    public let metadata: [String: String]
    let file: MappedFile

    /// Largest header we accept (the format's own limit is 100 MB).
    static let maxHeaderSize = 100_000_000

    public init(path: String) throws(ModelError) {
        self.path = path
        file = try MappedFile(path: path)
        (tensors, metadata) = try Self.readHeader(file)
    }

    public var names: [String] { tensors.keys.sorted() }

    private static func readHeader(_ file: MappedFile) throws(ModelError) -> ([String: TensorInfo], [String: String]) {
        let path = file.path
        guard file.size >= 8 else { throw ModelError("\(path): not a safetensors file (shorter than its 8-byte header length)") }
        var headerLength: UInt64 = 0
        for index in 0..<8 { headerLength |= UInt64(file.base.load(fromByteOffset: index, as: UInt8.self)) << (8 * UInt64(index)) }
        guard headerLength <= UInt64(file.size - 8), headerLength <= UInt64(maxHeaderSize) else {
            throw ModelError("\(path): corrupt safetensors header (declares \(headerLength) header bytes in a \(file.size)-byte file)")
        }
        let headerEnd = 8 + Int(headerLength)
        let json: JSONValue
        do {
            json = try JSONValue.parse(file.bytes(8..<headerEnd))
        } catch {
            throw ModelError("\(path): corrupt safetensors header: \(error)")
        }
        guard let object = json.objectValue else { throw ModelError("\(path): safetensors header is not a JSON object") }
        let dataSize = file.size - headerEnd
        var tensors: [String: TensorInfo] = [:]
        var metadata: [String: String] = [:]
        for member in object {
            if member.key == "__metadata__" {
                for entry in member.value.objectValue ?? JSONObject() {
                    if let text = entry.value.stringValue { metadata[entry.key] = text }
                }
                continue
            }
            let info = try tensorInfo(member.key, member.value, dataSize: dataSize, dataStart: headerEnd, path: path)
            tensors[member.key] = info
        }
        // Offsets must not overlap (they may leave gaps, which we tolerate).
        let ordered = tensors.values.sorted { ($0.byteRange.lowerBound, $0.byteRange.upperBound) < ($1.byteRange.lowerBound, $1.byteRange.upperBound) }
        for (previous, next) in zip(ordered, ordered.dropFirst()) where next.byteRange.lowerBound < previous.byteRange.upperBound {
            throw ModelError("\(path): corrupt safetensors header: tensors \"\(previous.name)\" and \"\(next.name)\" overlap")
        }
        return (tensors, metadata)
    }

    private static func tensorInfo(_ name: String, _ value: JSONValue, dataSize: Int, dataStart: Int, path: String) throws(ModelError) -> TensorInfo {
        let context = "\(path): corrupt safetensors header: tensor \"\(name)\""
        guard let dtypeName = value["dtype"]?.stringValue else { throw ModelError("\(context) has no dtype") }
        guard let dtype = DType(rawValue: dtypeName) else { throw ModelError("\(context) has unknown dtype \(dtypeName)") }
        guard let shapeValues = value["shape"]?.arrayValue else { throw ModelError("\(context) has no shape") }
        var shape: [Int] = []
        var elements = 1
        for dimension in shapeValues {
            guard let size = dimension.intValue, size >= 0 else { throw ModelError("\(context) has an invalid shape") }
            let (product, overflow) = elements.multipliedReportingOverflow(by: size)
            guard !overflow else { throw ModelError("\(context) has an impossibly large shape") }
            elements = product
            shape.append(size)
        }
        guard let offsets = value["data_offsets"]?.arrayValue, offsets.count == 2,
            let begin = offsets[0].intValue, let end = offsets[1].intValue
        else { throw ModelError("\(context) has no data_offsets") }
        guard begin >= 0, begin <= end, end <= dataSize else {
            throw ModelError("\(context) lies outside the file (offsets \(begin)..<\(end), data section \(dataSize) bytes; truncated file?)")
        }
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow, bytes == end - begin else {
            throw ModelError("\(context) has \(end - begin) bytes but \(dtypeName) \(shape) needs \(bytes)")
        }
        return TensorInfo(name: name, dtype: dtype, shape: shape, byteRange: (dataStart + begin)..<(dataStart + end))
    }

    public func info(_ name: String) -> TensorInfo? { tensors[name] }

    /// The tensor as Float values: borrowed from the mapping when stored as aligned F32,
    /// converted into new memory from F16 or BF16.
    func floats(_ info: TensorInfo) throws(ModelError) -> FloatBuffer {
        let raw = file.bytes(info.byteRange)
        switch info.dtype {
        case .f32:
            if let base = raw.baseAddress, Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0 {
                return FloatBuffer(borrowing: base.assumingMemoryBound(to: Float.self), count: info.elementCount, owner: file)
            }
            let buffer = FloatBuffer(count: info.elementCount)
            raw.copyBytes(to: UnsafeMutableRawBufferPointer(start: buffer.mutablePointer, count: raw.count))
            return buffer
        case .f16, .bf16:
            let buffer = FloatBuffer(count: info.elementCount)
            let out = buffer.mutablePointer
            let isHalf = info.dtype == .f16
            for index in 0..<info.elementCount {
                let bits = UInt16(raw[2 * index]) | UInt16(raw[2 * index + 1]) << 8
                out[index] = isHalf ? HalfConversion.float(fromHalfBits: bits) : HalfConversion.float(fromBFloat16Bits: bits)
            }
            return buffer
        default:
            throw ModelError("\(path): tensor \"\(info.name)\" is \(info.dtype.rawValue), expected F32, F16 or BF16")
        }
    }

    /// A float tensor's values, copied out (F32, F16 or BF16).
    public func floatArray(_ name: String) throws(ModelError) -> [Float] {
        guard let info = tensors[name] else { throw ModelError("\(path) has no tensor \"\(name)\"") }
        return try floats(info).array
    }

    /// An I8 tensor's values, copied out.
    public func int8Array(_ name: String) throws(ModelError) -> [Int8] {
        guard let info = tensors[name] else { throw ModelError("\(path) has no tensor \"\(name)\"") }
        let buffer = try int8(info)
        return Array(UnsafeBufferPointer(start: buffer.pointer, count: buffer.count))
    }

    /// An I8 tensor, borrowed from the mapping.
    func int8(_ info: TensorInfo) throws(ModelError) -> Int8Buffer {
        guard info.dtype == .i8 else {
            throw ModelError("\(path): tensor \"\(info.name)\" is \(info.dtype.rawValue), expected I8")
        }
        let raw = file.bytes(info.byteRange)
        guard let base = raw.baseAddress else { return Int8Buffer(count: 0) }
        return Int8Buffer(borrowing: base.assumingMemoryBound(to: Int8.self), count: info.elementCount, owner: file)
    }
}
