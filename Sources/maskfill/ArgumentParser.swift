/// A small option parser: `--name value`, `--name=value`, boolean flags, positionals, and
/// `--` to end the options (so "--json" can be tokenized as text). An empty string is a valid
/// positional.
struct ParsedArguments {
    var options: [String: [String]] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []

    func value(_ name: String) -> String? { options[name]?.last }
    func values(_ name: String) -> [String] { options[name] ?? [] }
    func has(_ flag: String) -> Bool { flags.contains(flag) }
}

struct ArgumentError: Error, CustomStringConvertible {
    var description: String
}

enum ArgumentParser {
    /// `valued` options take a value; `flags` take none. Anything else starting with `-` is an error.
    static func parse(_ arguments: [String], valued: Set<String>, flags: Set<String>) throws(ArgumentError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            var name = argument
            var inlineValue: String? = nil
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            if flags.contains(name) {
                if inlineValue != nil { throw ArgumentError(description: "option \(name) takes no value") }
                parsed.flags.insert(name)
            } else if valued.contains(name) {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else { throw ArgumentError(description: "option \(name) needs a value") }
                    value = arguments[index]
                    index += 1
                }
                parsed.options[name, default: []].append(value)
            } else {
                throw ArgumentError(description: "unknown option \(name)")
            }
        }
        return parsed
    }
}
