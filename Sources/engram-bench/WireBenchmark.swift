func runWireBenchmark() {
    print("wire benchmark: not yet written")
}
