/// Weights in memory: either borrowed from a mapped file (kept alive by `owner`) or owned
/// and freed with the buffer. Immutable once the model is built, hence shareable across threads.
final class WeightBuffer<Element: Numeric>: @unchecked Sendable {
    let pointer: UnsafePointer<Element>
    let count: Int
    private let owned: UnsafeMutablePointer<Element>?
    private let owner: AnyObject?

    /// `count` zeros, owned.
    init(count: Int) {
        let memory = UnsafeMutablePointer<Element>.allocate(capacity: max(count, 1))
        memory.initialize(repeating: 0, count: max(count, 1))
        owned = memory
        pointer = UnsafePointer(memory)
        self.count = count
        owner = nil
    }

    init(borrowing pointer: UnsafePointer<Element>, count: Int, owner: AnyObject) {
        self.pointer = pointer
        self.count = count
        self.owner = owner
        owned = nil
    }

    convenience init(_ values: [Element]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { mutablePointer.update(from: base, count: values.count) }
        }
    }

    /// Only for filling a buffer this process allocated, before it is shared.
    var mutablePointer: UnsafeMutablePointer<Element> { UnsafeMutablePointer(mutating: pointer) }

    var array: [Element] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    deinit { owned?.deallocate() }
}

typealias FloatBuffer = WeightBuffer<Float>
typealias Int8Buffer = WeightBuffer<Int8>
