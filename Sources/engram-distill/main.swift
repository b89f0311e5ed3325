// engram-distill: distils all-MiniLM-L6-v2 into the static table `engramd --embedder static`
// loads (Model2Vec's method; see StaticDistillation). scripts/distill-static runs it.
//   engram-distill [--model-dir models/all-MiniLM-L6-v2] [--out models/static-minilm]
//       [--dimension 256] [--sif 1e-4 | --sif none]

import ArgumentParser
import COpenBLAS
import EngramEmbeddings
import Foundation

@main
struct Distill: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engram-distill",
        abstract: "Distils the MiniLM encoder into a static embedding table (one vector per WordPiece piece).")

    @Option(help: "The encoder's directory (scripts/fetch-model).")
    var modelDir = "models/all-MiniLM-L6-v2"
    @Option(help: "Where to write the table (vocab.txt, embeddings.safetensors).")
    var out = "models/static-minilm"
    @Option(help: "Principal components kept: the vectors' length.")
    var dimension = 256
    @Option(help: "SIF coefficient a of the a/(a+p) weights, or none.")
    var sif = "1e-4"

    @Option(help: "Words to add (word TAB frequency per line, most frequent first).")
    var words: String?
    @Option(help: "At most this many added words.")
    var wordLimit = 50_000
    @Flag(help: "Weight whole-word pieces by the word list's frequencies too.")
    var frequenciesForPieces = false

    func run() throws {
        var distillation = StaticDistillation(dimension: dimension)
        distillation.wordLimit = wordLimit
        distillation.frequenciesForPieces = frequenciesForPieces
        if let words {
            let text = try String(contentsOfFile: words, encoding: .utf8)
            distillation.words = text.split(separator: "\n").compactMap { line in
                let parts = line.split(separator: "\t")
                guard parts.count == 2, let f = Double(parts[1]) else { return nil }
                return (String(parts[0]), f)
            }
        }
        if sif == "none" {
            distillation.sifCoefficient = nil
        } else {
            guard let a = Double(sif), a > 0, a < 1 else {
                throw ValidationError("--sif must be a number in (0, 1) or none; got \(sif)")
            }
            distillation.sifCoefficient = a
        }
        let teacher = try MiniLMEmbedder(directory: URL(fileURLWithPath: modelDir))
        // The distillation is one long batch job: let OpenBLAS use every core.
        openblas_set_num_threads(Int32(ProcessInfo.processInfo.activeProcessorCount))
        let start = Date()
        var last = -1
        var table = try distillation.distill(model: teacher.model, tokenizer: teacher.tokenizer) { done, total in
            let percent = done * 100 / total
            if percent / 10 != last / 10 {
                FileHandle.standardError.write(Data("engram-distill: \(done)/\(total) pieces\n".utf8))
                last = percent
            }
        }
        table.metadata["teacher"] = "\(teacher.name)@\(teacher.version)"
        try table.write(to: URL(fileURLWithPath: out))
        print(
            "engram-distill: \(table.pieces.count) pieces × \(table.dimension) in \(String(format: "%.0f", Date().timeIntervalSince(start))) s, explained variance \(table.metadata["explained_variance"] ?? "?"), written to \(out)"
        )
    }
}
