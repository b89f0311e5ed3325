// engram-bench: release-build benchmarks that print figures. Not tests.
// Usage: swift run -c release engram-bench [wire|core|core-count|server|recall [SIZES...]|memory [N]|storage|duplicates|embed [MODEL_DIR]|static [TABLE_DIR]|knowledge [SIZES...] [--static DIR]|all]

let which = CommandLine.arguments.dropFirst().first ?? "all"
switch which {
case "wire": runWireBenchmark()
case "core": runCoreBenchmark()
case "core-count": runCoreCountBenchmark()
case "memory":
    // Optional count after the name: `engram-bench memory 100000`.
    runMemoryBenchmark(observations: CommandLine.arguments.dropFirst(2).first.flatMap { Int($0) } ?? 1_000_000)
case "server": await runServerBenchmark()
case "recall":
    // Optional profile sizes after the name: `engram-bench recall 1000 10000`.
    let sizes = CommandLine.arguments.dropFirst(2).compactMap { Int($0) }
    if sizes.isEmpty { runRecallBenchmark() } else { runRecallBenchmark(sizes: sizes) }
case "storage": await runStorageBenchmark()
case "duplicates": runDuplicateBenchmark()
case "embed": runEmbedBenchmark(modelDirectory: CommandLine.arguments.dropFirst(2).first)
case "static": runStaticBenchmark(directory: CommandLine.arguments.dropFirst(2).first)
case "knowledge": runKnowledgeBenchmark(arguments: Array(CommandLine.arguments.dropFirst(2)))
case "all":
    runWireBenchmark()
    runCoreBenchmark()
    await runServerBenchmark()
    runRecallBenchmark()
    await runStorageBenchmark()
default:
    print(
        "usage: engram-bench [wire|core|core-count|server|recall [SIZES...]|memory [N]|storage|duplicates|embed [MODEL_DIR]|static [TABLE_DIR]|knowledge [SIZES...] [--static DIR]|all]"
    )
}
