import Foundation

/// The fuzz targets' bytes in, for libFuzzer and for replaying inputs.
///
/// Built with `scripts/fuzz` (`-DENGRAM_FUZZING`, `--sanitize=fuzzer --sanitize=address`),
/// libFuzzer supplies `main` and calls `LLVMFuzzerTestOneInput` with each input; the target is
/// named by `ENGRAM_FUZZ_TARGET`. Built normally, this is a replayer: `engram-fuzz TARGET
/// FILES-OR-FOLDERS...` runs each file through the target (the regression inputs in
/// `Fuzz/regressions`, in the test command).
let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["ENGRAM_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        fatalError(
            "set ENGRAM_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selectedTarget.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

#if !ENGRAM_FUZZING
    @main
    struct Replay {
        static func main() async {
            let arguments = Array(CommandLine.arguments.dropFirst())
            if arguments.first == "seed", arguments.count == 3 {
                do {
                    try await FuzzSeeds.write(vectors: arguments[1], to: arguments[2])
                    print("engram-fuzz: seeds written to \(arguments[2])")
                    return
                } catch {
                    print("engram-fuzz seed: \(error)")
                    exit(1)
                }
            }
            guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
                print(
                    """
                    usage: engram-fuzz TARGET FILES-OR-FOLDERS...   runs each input through TARGET (\(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))
                           engram-fuzz seed VECTORS-DIR OUT-DIR     writes seed corpora (OUT-DIR/TARGET/...)
                    """)
                exit(64)
            }
            var files: [String] = []
            for path in arguments.dropFirst() {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                    print("engram-fuzz: no such file or folder: \(path)")
                    exit(66)
                }
                if isDirectory.boolValue {
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                    files += names.filter { !$0.hasPrefix(".") }.sorted().map { path + "/" + $0 }
                } else {
                    files.append(path)
                }
            }
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                data.withUnsafeBytes { target.run($0) }
            }
            print("engram-fuzz \(target.rawValue): \(files.count) inputs, no crash")
        }
    }
#endif
