/// A document as it was when a request arrived: text, version, the server's revision number
/// for it, and its masks. Immutable, so worker jobs read it while the loop takes new edits.
struct DocumentSnapshot: Sendable {
    let document: TextDocument
    let revision: Int
    let layout: MaskLayout

    var uri: String { document.uri }
}

/// One mask of a snapshot, with what a window for it needs: its paragraph and the paragraph's masks.
struct MaskQuery: Sendable {
    let snapshot: DocumentSnapshot
    let mask: Int
    let paragraph: Range<Int>
    /// Indices (into the layout's masks) of the masks in the paragraph.
    let paragraphMasks: Range<Int>

    init(snapshot: DocumentSnapshot, mask: Int) {
        self.snapshot = snapshot
        self.mask = mask
        let layout = snapshot.layout
        paragraph = layout.paragraphs[layout.paragraphOfMask[mask]]
        paragraphMasks = layout.maskIndices(inParagraph: layout.paragraphOfMask[mask])
    }

    var maskRange: Range<Int> { snapshot.layout.masks[mask] }

    func window(_ predictor: MaskPredictor) -> ContextWindow? {
        predictor.builder.window(in: snapshot.document.bytes[paragraph], masks: snapshot.layout.masks[paragraphMasks], target: mask)
    }
}
