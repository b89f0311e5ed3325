// engram-bench: release-build benchmarks that print figures. Not tests.
// Usage: swift run -c release engram-bench [wire|core|recall|all]

let which = CommandLine.arguments.dropFirst().first ?? "all"
switch which {
case "wire": runWireBenchmark()
case "core": runCoreBenchmark()
case "recall": runRecallBenchmark()
case "all":
    runWireBenchmark()
    runCoreBenchmark()
    runRecallBenchmark()
default:
    print("usage: engram-bench [wire|core|recall|all]")
}
