/// Where the masks of one document revision are, and the paragraph each belongs to. Masks are
/// byte ranges, in order, disjoint; every mask lies inside its paragraph.
struct MaskLayout: Sendable {
    let masks: [Range<Int>]
    let paragraphs: [Range<Int>]
    /// For each mask, the index of its paragraph.
    let paragraphOfMask: [Int]

    /// Finds the masks of a document: in every paragraph of prose, outside inline code.
    init(bytes: [UInt8], language: DocumentLanguage, spellings: MaskSpellings) {
        let blocks: TextBlocks
        switch language {
        case .markdown: blocks = .markdown(bytes)
        case .plainText: blocks = .plainText(bytes)
        case .other: blocks = TextBlocks()
        }
        var masks: [Range<Int>] = []
        var owners: [Int] = []
        var nextSpan = 0
        for (index, paragraph) in blocks.paragraphs.enumerated() {
            var spans: [Range<Int>] = []
            while nextSpan < blocks.codeSpans.count, blocks.codeSpans[nextSpan].lowerBound < paragraph.upperBound {
                spans.append(blocks.codeSpans[nextSpan])
                nextSpan += 1
            }
            let found = spellings.occurrences(in: bytes[...], range: paragraph, excluding: spans)
            masks.append(contentsOf: found)
            owners.append(contentsOf: repeatElement(index, count: found.count))
        }
        self.masks = masks
        paragraphs = blocks.paragraphs
        paragraphOfMask = owners
    }

    /// The mask a cursor at `offset` is at or right after. A cursor between two touching masks
    /// means the one before it: the one just typed.
    func maskIndex(at offset: Int) -> Int? {
        // The first mask that ends at or after the offset.
        let index = firstMask(endingAtOrAfter: offset)
        guard index < masks.count, masks[index].lowerBound <= offset else { return nil }
        return index
    }

    /// Indices of the masks that overlap or touch `range`.
    func maskIndices(touching range: Range<Int>) -> Range<Int> {
        let first = firstMask(endingAtOrAfter: range.lowerBound)
        var end = first
        while end < masks.count, masks[end].lowerBound <= range.upperBound { end += 1 }
        return first..<end
    }

    /// Indices of the masks in paragraph `paragraph`.
    func maskIndices(inParagraph paragraph: Int) -> Range<Int> {
        let range = paragraphs[paragraph]
        let first = firstMask(endingAtOrAfter: range.lowerBound + 1)
        var end = first
        while end < masks.count, masks[end].upperBound <= range.upperBound { end += 1 }
        return first..<end
    }

    private func firstMask(endingAtOrAfter offset: Int) -> Int {
        var low = 0
        var high = masks.count
        while low < high {
            let middle = (low + high) / 2
            if masks[middle].upperBound < offset { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
