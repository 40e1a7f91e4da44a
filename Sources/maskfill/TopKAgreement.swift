/// How closely one model's candidates follow a reference's (int8 against the fp32 checkpoint it
/// came from): accuracy alone hides drift, since a swap among wrong candidates scores the same.
struct TopKAgreement {
    private(set) var count = 0
    private var sameFirst = 0
    private var shared = 0
    private var slots = 0

    mutating func add(_ tokens: [Int], reference: [Int]) {
        count += 1
        if let first = tokens.first, first == reference.first { sameFirst += 1 }
        shared += Set(tokens).intersection(reference).count
        slots += reference.count
    }

    /// Share of sentences whose best token is the reference's best token.
    var sameTop1: Double { count > 0 ? Double(sameFirst) / Double(count) : 0 }

    /// Share of the reference's candidates that are also among this model's.
    var top5Overlap: Double { slots > 0 ? Double(shared) / Double(slots) : 0 }
}
