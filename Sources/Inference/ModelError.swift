/// A model folder or file that cannot be used, with what is wrong in words a user can act on.
public struct ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
