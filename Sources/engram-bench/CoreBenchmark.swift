func runCoreBenchmark() {
    print("core benchmark: not yet written")
}
