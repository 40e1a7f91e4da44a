/// Why a fill could not be done: no mask, a text too long, a model that cannot be loaded.
public struct FillMaskError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
