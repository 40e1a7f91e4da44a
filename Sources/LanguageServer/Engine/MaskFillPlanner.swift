import FillMask

/// Fills every mask of a snapshot, left to right, each choice conditioned on the earlier ones:
/// the window for a mask is cut from its paragraph as already filled. A step fills one mask, so
/// the caller can report progress, check cancellation and let other work in between.
///
/// Per paragraph it keeps a working copy of the text. Masks not yet reached all sit after the
/// fills, so one running offset maps them into the working copy: a step costs the window, not
/// the number of masks.
struct MaskFillPlanner: Sendable {
    let snapshot: DocumentSnapshot
    private(set) var edits: [PlannedEdit] = []
    /// Masks looked at so far (filled or left because the model had nothing for them).
    private(set) var processed = 0

    private var working: [UInt8] = []
    private var base = 0
    /// Masks of the current paragraph left unfilled, in working offsets.
    private var kept: [Range<Int>] = []
    /// Working offset minus paragraph-relative source offset, for masks not yet reached.
    private var shift = 0
    private var paragraphEnd = 0

    init(snapshot: DocumentSnapshot) {
        self.snapshot = snapshot
    }

    var total: Int { snapshot.layout.masks.count }
    var isFinished: Bool { processed >= total }

    mutating func step(_ predictor: MaskPredictor) throws(FillMaskError) {
        guard !isFinished else { return }
        let layout = snapshot.layout
        if processed >= paragraphEnd { enterParagraph(layout.paragraphOfMask[processed]) }
        let source = layout.masks[processed]
        let target = toWorking(source)
        let nearby = nearbyMasks(around: target, reach: predictor.builder.reach + 64)
        let window = predictor.builder.window(in: working[...], masks: nearby.masks[...], target: nearby.target)
        let best = try window.map { window throws(FillMaskError) in try predictor.suggestions(for: window).first } ?? nil
        processed += 1
        guard let best else {
            kept.append(target)
            return
        }
        let sourceStart = best.joinsPrevious ? WordJoin.replacementStart(in: snapshot.document.bytes[...], before: source.lowerBound) : source.lowerBound
        let workingStart = best.joinsPrevious ? WordJoin.replacementStart(in: working[...], before: target.lowerBound) : target.lowerBound
        let inserted = Array(best.text.utf8)
        working.replaceSubrange(workingStart..<target.upperBound, with: inserted)
        shift += inserted.count - (target.upperBound - workingStart)
        edits.append(PlannedEdit(range: sourceStart..<source.upperBound, newText: best.text))
    }

    private mutating func enterParagraph(_ paragraph: Int) {
        let range = snapshot.layout.paragraphs[paragraph]
        working = Array(snapshot.document.bytes[range])
        base = range.lowerBound
        kept = []
        shift = 0
        paragraphEnd = snapshot.layout.maskIndices(inParagraph: paragraph).upperBound
    }

    private func toWorking(_ source: Range<Int>) -> Range<Int> {
        (source.lowerBound - base + shift)..<(source.upperBound - base + shift)
    }

    /// The masks a window around `target` can reach (the builder looks no further): kept ones
    /// before it, the target, and those after it; and the target's index among them.
    private func nearbyMasks(around target: Range<Int>, reach: Int) -> (masks: [Range<Int>], target: Int) {
        var masks = kept.filter { $0.upperBound >= target.lowerBound - reach }
        let targetIndex = masks.count
        let layout = snapshot.layout
        var index = processed
        while index < paragraphEnd {
            let mask = toWorking(layout.masks[index])
            if mask.lowerBound > target.upperBound + reach { break }
            masks.append(mask)
            index += 1
        }
        return (masks, targetIndex)
    }
}
