import CKernels
import Dispatch
import Synchronization
import XCTest

/// The kernels' thread pool hands every task of every job out exactly once, also when it has
/// more threads than the machine has cores (workers then often lose their core mid-job and
/// turn up after the job has moved on) and when several threads call it at once.
final class ThreadPoolTests: XCTestCase {
    override func tearDown() {
        mf_set_threads(2)
    }

    func testManySmallJobsGiveTheSerialResultsWithMoreThreadsThanCores() {
        mf_set_threads(4)
        let (rows, depth, outputs) = (8, 128, 128)  // just above the size that is split
        var generator = KernelTestGenerator(state: 11)
        let w = (0..<(outputs * depth)).map { _ in generator.float() }
        let inputs = (0..<4).map { _ in (0..<(rows * depth)).map { _ in generator.float() } }
        let expected = inputs.map { x in
            var y = [Float](repeating: 0, count: rows * outputs)
            mf_gemm_f32(x, Int32(depth), Int32(rows), w, Int32(depth), Int32(depth), 0, Int32(outputs), &y, Int32(outputs))
            return y
        }
        // Four callers at once, each running many jobs back to back.
        let mismatches = Counter()
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            var y = [Float](repeating: .nan, count: rows * outputs)
            for round in 0..<500 {
                let input = (caller + round) % inputs.count
                for i in y.indices { y[i] = .nan }
                mf_gemm_f32_parallel(inputs[input], Int32(depth), Int32(rows), w, Int32(depth), Int32(depth), Int32(outputs), &y, Int32(outputs))
                if y != expected[input] { mismatches.count.add(1, ordering: .relaxed) }
            }
        }
        XCTAssertEqual(mismatches.count.load(ordering: .relaxed), 0)
    }
}

private final class Counter: Sendable {
    let count = Atomic<Int>(0)
}
