import FillMask
import Tokenizers

/// Builds the context window for a mask. Starting from the mask's sentence it adds whole
/// sentences on either side, alternately, while the window stays within `tokenBudget` tokens
/// (counted by the model's tokenizer, special tokens included) and `maxMasks` masks; a
/// sentence too long on its own is cut to the words around the mask instead.
///
/// The work per window is bounded whatever the paragraph: only text within a few bytes per
/// token of budget around the mask is looked at, so a paragraph of ten thousand masks costs
/// what a short one does.
struct ContextWindowBuilder: Sendable {
    let tokenizer: Tokenizer
    let maskToken: String
    let maskTokenID: Int
    let tokenBudget: Int
    let maxMasks: Int
    private let maskBytes: [UInt8]
    /// Spellings the pipeline would read as masks; outside real masks they become "mask".
    private let maskLike: MaskSpellings
    private let specialTokenCount: Int

    /// Bytes of text looked at on each side of the mask, per token of budget.
    static let bytesPerToken = 8
    /// More masks than this in one window cost more (the head runs per mask) than they help.
    static let defaultMaxMasks = 16

    init(tokenizer: Tokenizer, maskToken: String, maskTokenID: Int, tokenBudget: Int, maxMasks: Int = defaultMaxMasks) {
        self.tokenizer = tokenizer
        self.maskToken = maskToken
        self.maskTokenID = maskTokenID
        self.tokenBudget = tokenBudget
        self.maxMasks = max(1, maxMasks)
        maskBytes = Array(maskToken.utf8)
        maskLike = MaskSpellings(["<mask>", maskToken])
        specialTokenCount = tokenizer.encode("").count
    }

    init(pipeline: FillMaskPipeline, tokenBudget: Int, maxMasks: Int = defaultMaxMasks) {
        self.init(tokenizer: pipeline.tokenizer, maskToken: pipeline.maskToken, maskTokenID: pipeline.maskTokenID,
                  tokenBudget: min(tokenBudget, pipeline.model.config.maxTokens), maxMasks: maxMasks)
    }

    /// The window for `masks[target]` in `text` (a paragraph, indices as in the document).
    /// `masks` are the masks of `text` in order (at least those within `reach` of the target;
    /// a slice, so a paragraph's ten thousand masks are not copied per request). Nil when not
    /// even the mask's own word fits.
    func window(in text: ArraySlice<UInt8>, masks: ArraySlice<Range<Int>>, target: Int) -> ContextWindow? {
        guard masks.indices.contains(target) else { return nil }
        let focus = masks[target]
        let region = clip(text, around: focus)
        let sentences = TextSegmentation.sentences(in: text, range: region, masks: masks)
        guard let center = sentences.firstIndex(where: { $0.contains(focus.lowerBound) }) else { return nil }
        if let window = grow(sentences, from: center, text: text, masks: masks, target: target) { return window }
        let words = TextSegmentation.words(in: text, range: sentences[center], masks: masks)
        guard let wordCenter = words.firstIndex(where: { $0.contains(focus.lowerBound) }) else { return nil }
        return grow(words, from: wordCenter, text: text, masks: masks, target: target)
    }

    /// How far from the mask, in bytes, a window may reach.
    var reach: Int { tokenBudget * Self.bytesPerToken }

    /// At most `reach` bytes on each side of the mask, cut at whitespace.
    private func clip(_ text: ArraySlice<UInt8>, around focus: Range<Int>) -> Range<Int> {
        var lower = max(text.startIndex, focus.lowerBound - reach)
        var upper = min(text.endIndex, focus.upperBound + reach)
        if lower > text.startIndex {
            while lower < focus.lowerBound, !TextSegmentation.isWhitespace(text[lower]) { lower += 1 }
        }
        if upper < text.endIndex {
            while upper > focus.upperBound, !TextSegmentation.isWhitespace(text[upper]) { upper -= 1 }
        }
        return lower..<upper
    }

    private struct Rendered {
        var bytes: [UInt8]
        /// Indices into `masks` of the masks inside.
        var masks: Range<Int>
    }

    /// Adds units alternately before and after `center` while the sum of their token counts
    /// fits, then checks the whole text (pieces can tokenize differently together) and drops
    /// units from the far end until it fits.
    private func grow(_ units: [Range<Int>], from center: Int, text: ArraySlice<UInt8>, masks: ArraySlice<Range<Int>>, target: Int) -> ContextWindow? {
        func cost(_ unit: Int) -> (tokens: Int, masks: Int) {
            let rendered = render(units[unit], text: text, masks: masks)
            return (tokenizer.encode(String(decoding: rendered.bytes, as: UTF8.self), addSpecialTokens: false).count, rendered.masks.count)
        }
        let first = cost(center)
        var tokens = first.tokens + specialTokenCount
        var maskCount = first.masks
        guard tokens <= tokenBudget, maskCount <= maxMasks else { return nil }
        var lower = center
        var upper = center
        var canGrowBefore = lower > 0
        var canGrowAfter = upper + 1 < units.count
        var beforeNext = true
        while canGrowBefore || canGrowAfter {
            let before = canGrowBefore && (beforeNext || !canGrowAfter)
            let added = cost(before ? lower - 1 : upper + 1)
            if tokens + added.tokens <= tokenBudget, maskCount + added.masks <= maxMasks {
                tokens += added.tokens
                maskCount += added.masks
                if before {
                    lower -= 1
                    canGrowBefore = lower > 0
                } else {
                    upper += 1
                    canGrowAfter = upper + 1 < units.count
                }
            } else if before {
                canGrowBefore = false
            } else {
                canGrowAfter = false
            }
            beforeNext.toggle()
        }
        while true {
            let rendered = render(units[lower].lowerBound..<units[upper].upperBound, text: text, masks: masks)
            let windowText = String(decoding: trimmed(rendered.bytes), as: UTF8.self)
            let encoding = tokenizer.encode(windowText)
            if encoding.count <= tokenBudget {
                let maskPositions = encoding.ids.indices.filter { encoding.ids[$0] == maskTokenID }
                // The model must see exactly the masks the window holds, or answers would go to the wrong mask.
                guard maskPositions.count == rendered.masks.count else { return nil }
                return ContextWindow(
                    text: windowText, targetIndex: target - rendered.masks.lowerBound, maskRanges: Array(masks[rendered.masks]),
                    tokenIDs: encoding.ids, maskPositions: maskPositions)
            }
            guard lower < upper else { return nil }
            if center - lower > upper - center { lower += 1 } else { upper -= 1 }
        }
    }

    /// The bytes of `range` with its masks spelled as the model's mask token.
    private func render(_ range: Range<Int>, text: ArraySlice<UInt8>, masks: ArraySlice<Range<Int>>) -> Rendered {
        let first = TextSegmentation.firstMask(in: masks, endingAfter: range.lowerBound)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(range.count + 16)
        var position = range.lowerBound
        var index = first
        while index < masks.endIndex, masks[index].upperBound <= range.upperBound {
            appendNeutralized(text[position..<masks[index].lowerBound], to: &bytes)
            bytes.append(contentsOf: maskBytes)
            position = masks[index].upperBound
            index += 1
        }
        appendNeutralized(text[position..<range.upperBound], to: &bytes)
        return Rendered(bytes: bytes, masks: first..<index)
    }

    /// Copies text that is not a mask, rewriting mask spellings in it (inline code) to "mask".
    private func appendNeutralized(_ slice: ArraySlice<UInt8>, to bytes: inout [UInt8]) {
        let found = maskLike.occurrences(in: slice, range: slice.startIndex..<slice.endIndex)
        guard !found.isEmpty else {
            bytes.append(contentsOf: slice)
            return
        }
        var position = slice.startIndex
        for occurrence in found {
            bytes.append(contentsOf: slice[position..<occurrence.lowerBound])
            bytes.append(contentsOf: "mask".utf8)
            position = occurrence.upperBound
        }
        bytes.append(contentsOf: slice[position...])
    }

    private func trimmed(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        var slice = bytes[...]
        while let first = slice.first, TextSegmentation.isWhitespace(first) { slice = slice.dropFirst() }
        while let last = slice.last, TextSegmentation.isWhitespace(last) { slice = slice.dropLast() }
        return slice
    }
}
