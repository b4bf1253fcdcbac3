import Testing

@testable import HTTP

@Suite struct ResponseHeadParserTests {
    private func parse(_ lines: [String]) -> ResponseHeadParser {
        var parser = ResponseHeadParser()
        for line in lines { parser.consume(line: Array(line.utf8)) }
        return parser
    }

    @Test func headersAreKeptInOrderWithNamesAsReceived() {
        let parser = parse([
            "HTTP/1.1 200 OK\r\n", "Content-Type: text/plain\r\n", "X-Thing:  spaced value \r\n", "\r\n",
        ])
        #expect(parser.status == 200)
        #expect(parser.headers.map(\.name) == ["Content-Type", "X-Thing"])
        #expect(parser.headers.map(\.value) == ["text/plain", "spaced value"])
    }

    @Test func eachStatusLineStartsAFreshBlock() {
        let parser = parse([
            "HTTP/1.1 100 Continue\r\n", "X-Interim: 1\r\n", "\r\n",
            "HTTP/1.1 302 Found\r\n", "Location: /next\r\n", "\r\n",
            "HTTP/2 200\r\n", "X-Final: yes\r\n", "\r\n",
        ])
        #expect(parser.status == 200)
        #expect(parser.headers.map(\.name) == ["X-Final"])
    }

    @Test func foldedContinuationJoinsThePreviousValue() {
        let parser = parse(["HTTP/1.0 200 OK", "X-Long: first", "\tsecond", "Empty:"])
        #expect(parser.headers.map(\.value) == ["first second", ""])
    }

    @Test func responseHeaderLookupIgnoresCase() {
        let response = HTTPResponse(
            status: 200, headers: [("Set-Cookie", "a"), ("content-type", "x"), ("SET-COOKIE", "b")])
        #expect(response.header("Content-Type") == "x")
        #expect(response.headers(named: "set-cookie") == ["a", "b"])
        #expect(response.header("Missing") == nil)
    }

    @Test func errorsCompareByKindAndDescribeThemselves() {
        let error = HTTPClientError(.timedOut, message: "Operation timed out after 400 ms", url: "http://127.0.0.1:1/")
        #expect(error == .timedOut)
        #expect(error != .couldNotConnect)
        #expect(error.description.contains("timed out"))
        #expect(error.description.contains("http://127.0.0.1:1/"))
    }

    @Test func timeoutsRoundToWholeMillisecondsButNeverZero() {
        #expect(HTTPClient.milliseconds(.seconds(2)) == 2000)
        #expect(HTTPClient.milliseconds(.microseconds(1500)) == 1)
        #expect(HTTPClient.milliseconds(.zero) == 1)
        #expect(HTTPClient.milliseconds(.milliseconds(250)) == 250)
    }
}
