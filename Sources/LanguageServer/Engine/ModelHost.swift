import FillMask
import Foundation
import Inference
import Synchronization

/// A loaded model and the number that tells its cache entries from an earlier model's.
struct LoadedModel: Sendable {
    let pipeline: FillMaskPipeline
    let path: String
    let generation: Int
}

/// Which model the server uses. Loads run on the inference queue, so requests queued behind a
/// load wait for it; the message loop never blocks on one. A failed load keeps the model that
/// was working, if any.
final class ModelHost: Sendable {
    private struct State {
        var current: LoadedModel?
        var problem: String?
        /// Loads asked for and not finished; requests wait for them rather than answer empty.
        var pendingLoads = 0
        var latestRequest = 0
        var generation = 0
    }

    private let state = Mutex(State())

    var current: LoadedModel? { state.withLock { $0.current } }
    var isLoading: Bool { state.withLock { $0.pendingLoads > 0 } }
    /// Why there is no model, when there is none.
    var problem: String? { state.withLock { $0.current == nil ? $0.problem : nil } }

    /// Records that there is no model to load (no path), with the reason.
    func markUnavailable(_ problem: String) {
        state.withLock { $0.problem = problem }
    }

    /// Registers a load; returns its ticket. Only the latest ticket's load runs.
    func requestLoad() -> Int {
        state.withLock { state in
            state.pendingLoads += 1
            state.latestRequest += 1
            return state.latestRequest
        }
    }

    /// Runs on the inference queue. Nil when a later request superseded this one.
    func load(ticket: Int, path: String, precision: Precision) -> Result<LoadedModel, FillMaskError>? {
        defer { state.withLock { $0.pendingLoads -= 1 } }
        guard state.withLock({ $0.latestRequest == ticket }) else { return nil }
        do {
            let pipeline = try FillMaskPipeline(folder: path, precision: precision)
            return .success(state.withLock { state in
                state.generation += 1
                let model = LoadedModel(pipeline: pipeline, path: path, generation: state.generation)
                state.current = model
                state.problem = nil
                return model
            })
        } catch {
            state.withLock { $0.problem = error.message }
            return .failure(error)
        }
    }
}
