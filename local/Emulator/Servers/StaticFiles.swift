import Foundation
import LocalGateway

/// The built web UI (`web/dist`), with the single-page app's fallback to `index.html`.
struct StaticFiles: Sendable {
    let root: String?

    func respond(path: String, head: Bool) -> GatewayResponse {
        guard let root, FileManager.default.fileExists(atPath: root + "/index.html") else {
            let page =
                "<!doctype html><title>Transcriptor</title><h1>Transcriptor (local)</h1><p>The web UI is not built yet. The API is at <code>/v1/</code>; the emulator's status is at <a href=\"/_local/\">/_local/</a>.</p>"
            return GatewayResponse(
                status: 200, headers: [("Content-Type", "text/html; charset=utf-8")], body: head ? [] : Array(page.utf8)
            )
        }
        let clean = path.split(separator: "/").filter { $0 != ".." && $0 != "." }.joined(separator: "/")
        var file = root + "/" + clean
        var isDirectory: ObjCBool = false
        if clean.isEmpty || !FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory)
            || isDirectory.boolValue
        {
            file = root + "/index.html"
        }
        guard let data = FileManager.default.contents(atPath: file) else { return .error(404) }
        let cache = file.hasSuffix("index.html") ? "no-cache" : "public, max-age=300"
        return GatewayResponse(
            status: 200, headers: [("Content-Type", Self.contentType(file)), ("Cache-Control", cache)],
            body: head ? [] : Array(data))
    }

    static func contentType(_ file: String) -> String {
        switch (file as NSString).pathExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "json", "map": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "woff2": "font/woff2"
        case "txt": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}
