/// The text the model reads for one mask: the sentence or paragraph around it, other masks
/// left as masks, within the token budget. Its `text` is the cache key, so every mask of a
/// paragraph that fits one window shares one model run.
struct ContextWindow: Sendable, Hashable {
    /// Masks spelled as the model's mask token; mask-like text that is not a mask (inside
    /// inline code) is rewritten so the model does not take it for one.
    let text: String
    /// Which of the window's masks the window was built for.
    let targetIndex: Int
    /// Where the window's masks are in the text it was cut from, in order.
    let maskRanges: [Range<Int>]
    /// `text` encoded (special tokens included), and where its masks are among the tokens:
    /// what the model runs on, kept from the builder's final length check.
    let tokenIDs: [Int]
    let maskPositions: [Int]
}
