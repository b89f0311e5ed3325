import EngramCLI
import Foundation

// The `engram` command line; everything is in the EngramCLI library.
exit(await EngramCLI.run(Array(CommandLine.arguments.dropFirst())))
