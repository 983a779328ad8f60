// adm-fuzz: the lexer, parser (with its command checks), JSON and path parsers over arbitrary
// bytes. Built with `-sanitize=fuzzer -D FUZZING` (Scripts/fuzz) it is a libFuzzer target;
// built normally it replays files given as arguments (to reproduce a finding).
import AdmAPI
import AdmShell

/// Runs every parser over `bytes`. Any crash, trap or hang is a finding.
func fuzzOne(_ bytes: UnsafeBufferPointer<UInt8>) {
    let text = String(decoding: bytes, as: UTF8.self)
    if let program = try? Parser.parse(text, file: "fuzz.adm") {
        for statement in program.statements { _ = statement.source }
    }
    _ = try? Lexer.tokenize(text)
    _ = try? JSON.parse(bytes: Array(bytes)).serialized(pretty: true)
    _ = try? JSONPath.parse(text)
    _ = Redaction.keyShaped(in: text)
    _ = CassetteEntry.scrubKeys(text)
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzOne(UnsafeBufferPointer(start: data, count: size))
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
) -> Int32

/// SwiftPM links an executable's entry point as `<module>_main`; hand control to libFuzzer.
@_cdecl("adm_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments, fuzzerTestOneInput)
}
#else
/// Without libFuzzer: runs each file named on the command line through the fuzz target once.
@main
struct Replay {
    static func main() throws {
        for path in CommandLine.arguments.dropFirst() {
            let bytes = Array(try FileMode.readBytes(path))
            bytes.withUnsafeBufferPointer(fuzzOne)
            print("ok \(path)")
        }
    }
}
#endif
