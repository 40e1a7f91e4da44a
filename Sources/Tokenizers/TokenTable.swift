/// A read-only map from token bytes (UTF-8) to ids: open addressing over one contiguous byte
/// store, looked up without allocating. Keys are compared byte for byte, never with Swift's
/// canonical string equality (which would merge "é" and "e\u{301}", two distinct tokens).
/// Each slot keeps the key's hash beside the entry index, so a probe that meets another key
/// rarely has to touch that key's bytes.
struct TokenTable: Sendable {
    private struct Entry {
        var start: Int32
        var length: Int32
        var value: Int32
    }

    private var storage: [UInt8] = []
    private var entries: [Entry] = []
    /// 0 = empty; otherwise hash (high 32 bits) and entry index + 1 (low 32 bits).
    private var slots: [UInt64]
    private let mask: Int

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
    }

    var count: Int { entries.count }

    /// Inserts `key`. A key inserted twice keeps its first id: probing meets the first entry
    /// before the second (so no lookup is needed here, which halves the cost of loading).
    mutating func insert(_ key: some Collection<UInt8>, id: Int) {
        let start = storage.count
        storage.append(contentsOf: key)
        let length = storage.count - start
        let hash = storage.withUnsafeBufferPointer { Self.hash(UnsafeBufferPointer(rebasing: $0[start...])) }
        if (entries.count + 1) * 2 > slots.count { grow() }
        entries.append(Entry(start: Int32(start), length: Int32(length), value: Int32(id)))
        place(entries.count - 1, hash: hash)
    }

    func lookup(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        lookup(key, hash: Self.hash(key))
    }

    func lookup(_ key: String) -> Int? {
        if let id = key.utf8.withContiguousStorageIfAvailable({ lookup($0) }) { return id }
        return Array(key.utf8).withUnsafeBufferPointer { lookup($0) }
    }

    private func lookup(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        let tag = hash >> 32
        var slot = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let packed = slots[slot]
                if packed == 0 { return nil }
                if packed >> 32 == tag {
                    let entry = entries[Int(packed & 0xFFFF_FFFF) - 1]
                    if matches(entry, key) { return Int(entry.value) }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    private func matches(_ entry: Entry, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let length = Int(entry.length)
        guard length == key.count else { return false }
        let start = Int(entry.start)
        return storage.withUnsafeBufferPointer { store in
            for index in 0..<length where store[start + index] != key[index] {
                return false
            }
            return true
        }
    }

    private mutating func place(_ entry: Int, hash: UInt64) {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = (hash >> 32) << 32 | UInt64(entry + 1)
    }

    private mutating func grow() {
        self = TokenTable(rehashing: self, size: slots.count * 2)
    }

    private init(rehashing old: TokenTable, size: Int) {
        storage = old.storage
        entries = old.entries
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        for (index, entry) in entries.enumerated() {
            let start = Int(entry.start)
            let end = start + Int(entry.length)
            let hash = storage.withUnsafeBufferPointer { Self.hash(UnsafeBufferPointer(rebasing: $0[start..<end])) }
            place(index, hash: hash)
        }
    }

    /// FNV-1a, 64-bit, with a final mix so both halves are usable (low bits pick the slot,
    /// high bits are the tag).
    static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        hash ^= hash >> 29
        hash = hash &* 0xbf58_476d_1ce4_e5b9
        return hash ^ (hash >> 32)
    }
}
