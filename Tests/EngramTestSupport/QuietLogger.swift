import Logging

/// A logger that drops everything: libraries take a Logger, and tests give them this one.
package let quietLogger = Logger(label: "engram-test", factory: { _ in SwiftLogNoOpLogHandler() })
