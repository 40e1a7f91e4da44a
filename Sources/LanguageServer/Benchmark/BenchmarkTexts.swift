/// The texts the latency benchmark uses: a typical sentence with one mask (varied run by run so
/// no answer comes from the cache), and a 2,000-word document with 50 masks.
enum BenchmarkTexts {
    static let openings = ["After a long day at work,", "At the end of the week,", "Late in the evening,", "On a quiet Sunday,",
                           "When the rain stopped,", "Before the guests arrived,", "After dinner with friends,",
                           "During the summer holidays,", "Once the children slept,", "On her last day in town,"]
    static let places = ["the window", "the fire", "the lake", "the door", "the garden"]

    /// Run `index`'s sentence; the mask is the only one.
    static func sentence(_ index: Int) -> String {
        let opening = openings[index % openings.count]
        let place = places[(index / openings.count) % places.count]
        let round = index / (openings.count * places.count)
        let again = round == 0 ? "" : String(repeating: " again", count: round)
        return "\(opening) she sat by \(place) and watched the <mask> slowly fade behind the hills\(again)."
    }

    static let prose = [
        "The history of the city goes back to a small market town on the river, where merchants traded wool, grain and salt with farmers from the surrounding hills.",
        "Over the centuries the town grew into a busy port, and its narrow streets filled with workshops, churches and houses of stone.",
        "Today visitors come to see the old bridge, the cathedral and the museum, which holds paintings, maps and letters from every period of its long past.",
        "In the spring the gardens along the water open to the public, and families walk there on weekends to watch the boats go by.",
        "The university was founded by a group of teachers who wanted young people to study law, medicine and the natural sciences close to home.",
        "Many of its students stayed after their studies, opened small businesses and helped the city recover after the great flood.",
        "The railway arrived late in the nineteenth century and changed the life of the region more than any war or king had done before.",
        "Factories rose on the edge of town, and workers came from distant villages in search of steady wages and a better life for their children.",
        "Some of those buildings have since been turned into apartments, studios and a market where local farmers sell bread, cheese and fruit.",
        "A festival in late summer fills the main square with music, and people dance until the early hours of the morning.",
        "The local newspaper has reported on these changes for more than a hundred years, and its archive is open to anyone who asks.",
        "Walking from the station to the harbour takes about twenty minutes, through parks, quiet lanes and a street lined with old trees.",
    ]

    /// About `words` words in paragraphs of about 100, with `masks` masks spread evenly.
    static func document(words: Int = 2_000, masks: Int = 50) -> String {
        var all: [Substring] = []
        var sentence = 0
        var paragraphs: [[Substring]] = []
        var current: [Substring] = []
        while all.count < words {
            let next = prose[sentence % prose.count].split(separator: " ")
            sentence += 1
            all.append(contentsOf: next)
            current.append(contentsOf: next)
            if current.count >= 100 {
                paragraphs.append(current)
                current = []
            }
        }
        if !current.isEmpty { paragraphs.append(current) }
        let total = all.count
        let step = max(1, total / masks)
        var index = 0
        var maskedParagraphs: [String] = []
        for paragraph in paragraphs {
            var words: [String] = []
            for word in paragraph {
                if index % step == step / 2, index / step < masks {
                    let punctuation = word.last.map { ",.".contains($0) } == true ? String(word.last ?? " ") : ""
                    words.append("<mask>" + punctuation)
                } else {
                    words.append(String(word))
                }
                index += 1
            }
            maskedParagraphs.append(words.joined(separator: " "))
        }
        return maskedParagraphs.joined(separator: "\n\n") + "\n"
    }
}
