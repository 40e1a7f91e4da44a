import CKernels
import Dispatch
import Foundation

/// Splits work across the CPU's cores. Small jobs run on the calling thread: waking another
/// thread costs more than it saves below a few hundred thousand multiply-adds.
enum Parallel {
    static let threadCount: Int = {
        if let text = ProcessInfo.processInfo.environment["MASKFILL_THREADS"], let value = Int(text), value > 0 {
            return min(value, 64)
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Starts the C kernels' thread pool (once) with `threadCount` threads.
    static func ensureStarted() {
        _ = poolStarted
    }

    private static let poolStarted: Bool = {
        mf_set_threads(Int32(threadCount))
        return true
    }()

    /// Runs `body` over consecutive slices of 0..<count, each a multiple of `alignment` long
    /// (except the last), on up to `threadCount` threads when `work` is large enough.
    static func forSlices(of count: Int, alignment: Int = 1, work: Int, _ body: (Range<Int>) -> Void) {
        let threads = work >= 200_000 ? min(threadCount, max(1, count / max(alignment, 1))) : 1
        if threads <= 1 || count <= alignment {
            body(0..<count)
            return
        }
        let perThread = ((count + threads - 1) / threads + alignment - 1) / alignment * alignment
        withoutActuallyEscaping(body) { body in
            let task = UnsafeSendable(body)
            DispatchQueue.concurrentPerform(iterations: threads) { index in
                let start = index * perThread
                let end = min(count, start + perThread)
                if start < end { task.value(start..<end) }
            }
        }
    }

    /// Runs `body(i)` for i in 0..<count, spread over the cores.
    static func forEach(_ count: Int, _ body: (Int) -> Void) {
        if threadCount <= 1 || count <= 1 {
            for index in 0..<count { body(index) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let task = UnsafeSendable(body)
            DispatchQueue.concurrentPerform(iterations: count) { task.value($0) }
        }
    }
}

/// Carries a value into concurrent work whose synchronisation is done by the caller (each
/// thread writes its own slice of an output buffer).
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
