// engram-bench: release-build benchmarks that print figures. Not tests.
// Usage: swift run -c release engram-bench [wire|core|storage|all]

let which = CommandLine.arguments.dropFirst().first ?? "all"
switch which {
case "wire": runWireBenchmark()
case "core": runCoreBenchmark()
case "storage": await runStorageBenchmark()
case "all":
    runWireBenchmark()
    runCoreBenchmark()
    await runStorageBenchmark()
default:
    print("usage: engram-bench [wire|core|storage|all]")
}
