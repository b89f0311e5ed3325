import EngramLoad
import Foundation

// The `engram-load` command; everything is in the EngramLoad library.
exit(await EngramLoadCLI.run(Array(CommandLine.arguments.dropFirst())))
