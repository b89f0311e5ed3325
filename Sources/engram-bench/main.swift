// engram-bench: release-build benchmarks that print figures. Not tests.
// Usage: swift run -c release engram-bench [wire|core|server|all]

let which = CommandLine.arguments.dropFirst().first ?? "all"
switch which {
case "wire": runWireBenchmark()
case "core": runCoreBenchmark()
case "server": await runServerBenchmark()
case "all":
    runWireBenchmark()
    runCoreBenchmark()
    await runServerBenchmark()
default:
    print("usage: engram-bench [wire|core|server|all]")
}
