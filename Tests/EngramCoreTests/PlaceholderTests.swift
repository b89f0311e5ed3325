import Testing
@testable import EngramCore
