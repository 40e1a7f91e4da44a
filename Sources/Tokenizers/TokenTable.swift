/// A read-only map from token bytes (UTF-8) to ids: open addressing over one contiguous byte
/// store, looked up without allocating. Keys are compared byte for byte, never with Swift's
/// canonical string equality (which would merge "é" and "e\u{301}", two distinct tokens).
struct TokenTable: Sendable {
    private var storage: [UInt8] = []
    private var keyStart: [Int32] = []
    private var keyLength: [Int32] = []
    private var values: [Int32] = []
    private var slots: [Int32]
    private let mask: Int

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { values.count }

    /// Inserts `key`; a key already present keeps its first id.
    mutating func insert(_ key: some Collection<UInt8>, id: Int) {
        let start = storage.count
        storage.append(contentsOf: key)
        let length = storage.count - start
        let hash = storage.withUnsafeBufferPointer { Self.hash(UnsafeBufferPointer(rebasing: $0[start...])) }
        let duplicate = storage.withUnsafeBufferPointer { lookup(UnsafeBufferPointer(rebasing: $0[start...]), hash: hash) } != nil
        if duplicate {
            storage.removeLast(length)
            return
        }
        if (values.count + 1) * 2 > slots.count { grow() }
        let entry = Int32(values.count)
        keyStart.append(Int32(start))
        keyLength.append(Int32(length))
        values.append(Int32(id))
        place(entry, hash: hash)
    }

    func lookup(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        lookup(key, hash: Self.hash(key))
    }

    private func lookup(_ key: UnsafeBufferPointer<UInt8>, hash: Int) -> Int? {
        var slot = hash & mask
        while true {
            let entry = slots[slot]
            if entry < 0 { return nil }
            if matches(Int(entry), key) { return Int(values[Int(entry)]) }
            slot = (slot + 1) & mask
        }
    }

    func lookup(_ key: String) -> Int? {
        if let id = key.utf8.withContiguousStorageIfAvailable({ lookup($0) }) { return id }
        return Array(key.utf8).withUnsafeBufferPointer { lookup($0) }
    }

    private func matches(_ entry: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let length = Int(keyLength[entry])
        guard length == key.count else { return false }
        let start = Int(keyStart[entry])
        return storage.withUnsafeBufferPointer { store in
            for index in 0..<length where store[start + index] != key[index] {
                return false
            }
            return true
        }
    }

    private mutating func place(_ entry: Int32, hash: Int) {
        var slot = hash & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = entry
    }

    private mutating func grow() {
        self = TokenTable(rehashing: self, size: slots.count * 2)
    }

    private init(rehashing old: TokenTable, size: Int) {
        storage = old.storage
        keyStart = old.keyStart
        keyLength = old.keyLength
        values = old.values
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        for entry in 0..<values.count {
            let start = Int(keyStart[entry])
            let end = start + Int(keyLength[entry])
            let hash = storage.withUnsafeBufferPointer { Self.hash(UnsafeBufferPointer(rebasing: $0[start..<end])) }
            place(Int32(entry), hash: hash)
        }
    }

    /// FNV-1a, 64-bit.
    static func hash(_ bytes: some Sequence<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
}
