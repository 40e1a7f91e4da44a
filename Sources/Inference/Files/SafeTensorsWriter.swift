import Foundation
import JSON

/// Writes a safetensors file: an 8-byte little-endian header length, the JSON header (padded
/// with spaces to a multiple of 8 so tensor data stays aligned), then the tensors' bytes. The
/// file is written beside its destination and renamed into place, so a reader never sees half.
struct SafeTensorsWriter {
    struct Entry {
        var name: String
        var dtype: DType
        var shape: [Int]
        var bytes: UnsafeRawBufferPointer
    }

    private var entries: [Entry] = []

    mutating func add(_ name: String, dtype: DType, shape: [Int], bytes: UnsafeRawBufferPointer) {
        entries.append(Entry(name: name, dtype: dtype, shape: shape, bytes: bytes))
    }

    func write(to path: String, metadata: [String: String]) throws(ModelError) {
        var header = JSONObject()
        var meta = JSONObject()
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { meta[key] = .string(value) }
        header["__metadata__"] = .object(meta)
        var offset = 0
        for entry in entries {
            header[entry.name] = [
                "dtype": .string(entry.dtype.rawValue),
                "shape": .array(entry.shape.map { .int(Int64($0)) }),
                "data_offsets": [.int(Int64(offset)), .int(Int64(offset + entry.bytes.count))],
            ]
            offset += entry.bytes.count
        }
        var headerBytes = JSONValue.object(header).serializedBytes()
        while (8 + headerBytes.count) % 8 != 0 { headerBytes.append(0x20) }
        let temporary = path + ".partial"
        guard let handle = fopen(temporary, "wb") else {
            throw ModelError("cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        var ok = true
        var length = UInt64(headerBytes.count).littleEndian
        ok = ok && fwrite(&length, 8, 1, handle) == 1
        ok = ok && headerBytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) == $0.count }
        for entry in entries where entry.bytes.count > 0 {
            ok = ok && fwrite(entry.bytes.baseAddress, 1, entry.bytes.count, handle) == entry.bytes.count
        }
        ok = (fclose(handle) == 0) && ok
        guard ok else {
            unlink(temporary)
            throw ModelError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw ModelError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
