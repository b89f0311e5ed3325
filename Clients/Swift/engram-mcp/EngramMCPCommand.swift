import ArgumentParser
import EngramCLI
import EngramMCP
import Logging
import MCP

/// `engram-mcp`: an MCP server over stdio whose tools are Engram calls, for assistants and agent
/// frameworks that reach tools through the Model Context Protocol.
@main
struct EngramMCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engram-mcp",
        abstract: "An MCP server (stdio) whose tools recall, remember and resolve customers in one Engram store.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var store: StoreOption

    func run() async throws {
        let storeID = try store.storeID()
        let client = try connection.makeClient(name: "engram-mcp")
        defer { client.close() }
        let tools = EngramTools(client: client, storeID: storeID)
        let server = Server(
            name: "engram", version: "0.1.0",
            capabilities: .init(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: EngramTools.definitions) }
        await server.withMethodHandler(CallTool.self) { params in
            await tools.call(params.name, params.arguments ?? [:])
        }
        // stdout carries the protocol: logs go to stderr.
        let logger = Logger(label: "engram-mcp") { StreamLogHandler.standardError(label: $0) }
        try await server.start(transport: StdioTransport(logger: logger))
        await server.waitUntilCompleted()
    }
}
