/// Weights in memory: either borrowed from a mapped file (kept alive by `owner`) or owned
/// and freed with the buffer. Immutable once the model is built, hence shareable across threads.
final class FloatBuffer: @unchecked Sendable {
    let pointer: UnsafePointer<Float>
    let count: Int
    private let owned: UnsafeMutablePointer<Float>?
    private let owner: AnyObject?

    init(count: Int) {
        let memory = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        memory.initialize(repeating: 0, count: max(count, 1))
        owned = memory
        pointer = UnsafePointer(memory)
        self.count = count
        owner = nil
    }

    init(borrowing pointer: UnsafePointer<Float>, count: Int, owner: AnyObject) {
        self.pointer = pointer
        self.count = count
        self.owner = owner
        owned = nil
    }

    convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { mutablePointer.update(from: base, count: values.count) }
        }
    }

    /// Only for filling a buffer this process allocated, before it is shared.
    var mutablePointer: UnsafeMutablePointer<Float> { UnsafeMutablePointer(mutating: pointer) }

    var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    deinit { owned?.deallocate() }
}

final class Int8Buffer: @unchecked Sendable {
    let pointer: UnsafePointer<Int8>
    let count: Int
    private let owned: UnsafeMutablePointer<Int8>?
    private let owner: AnyObject?

    init(count: Int) {
        let memory = UnsafeMutablePointer<Int8>.allocate(capacity: max(count, 1))
        memory.initialize(repeating: 0, count: max(count, 1))
        owned = memory
        pointer = UnsafePointer(memory)
        self.count = count
        owner = nil
    }

    init(borrowing pointer: UnsafePointer<Int8>, count: Int, owner: AnyObject) {
        self.pointer = pointer
        self.count = count
        self.owner = owner
        owned = nil
    }

    var mutablePointer: UnsafeMutablePointer<Int8> { UnsafeMutablePointer(mutating: pointer) }

    deinit { owned?.deallocate() }
}
