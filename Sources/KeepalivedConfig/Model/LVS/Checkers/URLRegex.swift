/// keepalived's `regex_options` words (PCRE2 compile options), and how checkd's engine, Swift's
/// `Regex`, honours each. The ones it cannot honour are refused when the config is read, so a
/// check never silently matches differently from keepalived's.
public enum RegexOption: String, CaseIterable, Hashable, Sendable {
    case allowEmptyClass = "allow_empty_class"
    case altBsux = "alt_bsux"
    case autoCallout = "auto_callout"
    case caseless
    case dollarEndOnly = "dollar_endonly"
    case dotall
    case dupnames
    case extended
    case firstline
    case matchUnsetBackref = "match_unset_backref"
    case multiline
    case neverUCP = "never_ucp"
    case neverUTF = "never_utf"
    case noAutoCapture = "no_auto_capture"
    case noAutoPossess = "no_auto_possess"
    case noDotstarAnchor = "no_dotstar_anchor"
    case noStartOptimize = "no_start_optimize"
    case ucp
    case ungreedy
    case utf
    case neverBackslashC = "never_backslash_c"
    case altCircumflex = "alt_circumflex"
    case altVerbnames = "alt_verbnames"
    case useOffsetLimit = "use_offset_limit"

    /// Why Swift's `Regex` cannot give this option's meaning; nil when it can. Options that only
    /// tune PCRE2's optimiser or callouts (which keepalived never sets) change no result and are
    /// honoured by doing nothing.
    public var unsupportedReason: String? {
        switch self {
        case .allowEmptyClass: "'[]' as an empty class is PCRE2 syntax that Swift's Regex lacks"
        case .altBsux: "JavaScript-style \\u, \\U and \\x escapes are not available"
        case .dollarEndOnly: "'$' cannot be kept from matching before a final newline"
        case .matchUnsetBackref: "back references to unset groups cannot be made to match empty"
        case .noAutoCapture: "plain groups always capture, which changes back reference numbering"
        case .altCircumflex: "'^' cannot be made to match after a final newline"
        case .altVerbnames: "escapes in verb names are not available"
        default: nil
        }
    }
}

/// A url's `regex` compiled the way checkd matches it: PCRE2-like syntax in Swift's `Regex`,
/// ASCII `\d \w \s` and POSIX classes unless `ucp` (PCRE2's default), matched over the body's
/// Unicode scalars (the same as PCRE2's bytes for ASCII).
public enum URLRegex {
    /// Compiles `pattern` with keepalived's option words; unknown words are ignored, as
    /// keepalived ignores them. Throws what Swift's parser reports for a bad pattern.
    public static func compile(_ pattern: String, options: [String]) throws -> Regex<AnyRegexOutput> {
        let set = Set(options.compactMap(RegexOption.init(rawValue:)))
        var regex = try Regex(set.contains(.extended) ? "(?x)" + pattern : pattern)
        regex = regex.matchingSemantics(.unicodeScalar)
        if !set.contains(.ucp) || set.contains(.neverUCP) { regex = regex.asciiOnlyCharacterClasses() }
        if set.contains(.caseless) { regex = regex.ignoresCase() }
        if set.contains(.multiline) { regex = regex.anchorsMatchLineEndings() }
        if set.contains(.dotall) { regex = regex.dotMatchesNewlines() }
        if set.contains(.ungreedy) { regex = regex.repetitionBehavior(.reluctant) }
        return regex
    }

    /// keepalived's test of a body: the leftmost match at or after `minOffset` must start no
    /// later than `maxOffset` (it may end beyond it) and, with `firstline`, before the first
    /// newline after `minOffset`. Offsets count bytes, as PCRE2's do.
    public static func matches(
        _ regex: Regex<AnyRegexOutput>, in body: [UInt8], minOffset: Int?, maxOffset: Int?, firstLine: Bool
    ) -> Bool {
        let start = min(minOffset ?? 0, body.count)
        let text = String(decoding: body[start...], as: UTF8.self)
        guard let match = try? regex.firstMatch(in: text) else { return false }
        let offset = start + text.utf8.distance(from: text.startIndex, to: match.range.lowerBound)
        if let maxOffset, offset > maxOffset { return false }
        if firstLine, let newline = body[start...].firstIndex(of: UInt8(ascii: "\n")), offset > newline {
            return false
        }
        return true
    }
}

extension URLCheck {
    /// Reads `regex_options`: a word keepalived knows but checkd cannot honour is an error at
    /// that word, an unknown word a warning (keepalived ignores it).
    static func readRegexOptions(_ statement: Statement, _ diagnostics: inout Diagnostics) -> [String] {
        for word in statement.arguments {
            guard let option = RegexOption(rawValue: word.text) else {
                diagnostics.warning("unknown regex option '\(word.text)' is ignored", at: word.location)
                continue
            }
            if let reason = option.unsupportedReason {
                diagnostics.error("regex option '\(word.text)' is not supported: \(reason)", at: word.location)
            }
        }
        return statement.arguments.map(\.text)
    }

    /// keepalived's checks once the url block is read: a pattern that does not compile is an
    /// error; what keepalived ignores with a log line (regex settings without a regex, a min
    /// offset past the max, a bad regex_stack) is a warning, and dropped.
    mutating func validateRegex(_ diagnostics: inout Diagnostics) {
        let keywords = origin.keywords
        if let stack = keywords["regex_stack"], regexStack.count != 2 || regexStack[0] > regexStack[1] {
            diagnostics.warning("'regex_stack' expects a start size and a maximum no smaller; ignored", at: stack)
            regexStack = []
        }
        guard let pattern = regex else {
            let stray = ["regex_options", "regex_no_match", "regex_min_offset", "regex_max_offset", "regex_stack"]
            if let location = stray.lazy.compactMap({ keywords[$0] }).first {
                diagnostics.warning("regex parameters specified without regex are ignored", at: location)
            }
            return
        }
        do {
            _ = try URLRegex.compile(pattern, options: regexOptions)
        } catch {
            if let location = keywords["regex"] ?? origin.location {
                diagnostics.error("invalid regex '\(pattern)': \(error)", at: location)
            }
        }
        if let min = regexMinOffset, let max = regexMaxOffset, min > max,
            let location = keywords["regex_min_offset"]
        {
            diagnostics.warning(
                "regex_min_offset \(min) is past regex_max_offset \(max); both are ignored", at: location)
            regexMinOffset = nil
            regexMaxOffset = nil
        }
    }
}
