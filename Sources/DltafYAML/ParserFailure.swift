import CLibYAML

/// Turns libyaml's error state into a located `YAMLError`.
enum ParserFailure {
    /// Builds the error from a parser whose `yaml_parser_parse` just failed.
    static func error(from parser: yaml_parser_t, input: UnsafeBufferPointer<UInt8>) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown parser error"
        switch parser.error {
        case YAML_READER_ERROR:
            // Reader errors leave problem_mark at 0:0; only the byte offset is set.
            let mark = mark(atByteOffset: parser.problem_offset, in: input)
            var message = problem
            if parser.problem_value != -1 {
                message += " (#x\(String(parser.problem_value, radix: 16, uppercase: true)))"
            }
            return YAMLError(code: isEncodingProblem(problem) ? .invalidUTF8 : .syntax, message: message, mark: mark)
        case YAML_MEMORY_ERROR:
            return YAMLError(code: .syntax, message: "out of memory while parsing")
        default:
            var message = problem
            if let context = parser.context.map({ String(cString: $0) }) {
                message = "\(context) (started at \(YAMLMark(parser.context_mark))): \(problem)"
            }
            return YAMLError(code: .syntax, message: message, mark: YAMLMark(parser.problem_mark))
        }
    }

    /// libyaml's UTF-8 decoding problems mention "UTF-8", "octet" or an invalid "Unicode character";
    /// everything else from the reader (control characters) is a syntax problem.
    private static func isEncodingProblem(_ problem: String) -> Bool {
        problem.contains("UTF-8") || problem.contains("octet") || problem.contains("Unicode character")
    }

    /// Computes a 1-based line/column from a byte offset the way libyaml counts: line breaks are `\n`, `\r\n` or `\r`;
    /// columns count Unicode scalars (UTF-8 continuation bytes are skipped). `input` starts after any BOM.
    static func mark(atByteOffset offset: Int, in input: UnsafeBufferPointer<UInt8>) -> YAMLMark {
        let end = min(max(offset, 0), input.count)
        var line = 1
        var column = 0
        var index = 0
        while index < end {
            let byte = input[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 0
            } else if byte == UInt8(ascii: "\r") {
                // A CR followed by LF is one break; the LF branch does the counting.
                if index + 1 >= input.count || input[index + 1] != UInt8(ascii: "\n") {
                    line += 1
                    column = 0
                }
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return YAMLMark(line: line, column: column + 1)
    }
}
