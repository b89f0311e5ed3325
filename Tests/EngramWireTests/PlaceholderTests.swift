import Testing
@testable import EngramWire
