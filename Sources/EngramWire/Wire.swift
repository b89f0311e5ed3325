/// The messages and enums of Protocol/engram.proto (package `engram.v1`), one Swift type each,
/// with hand-written codecs.
///
/// They live in this namespace so a handler reads `Wire.Observation` for the message and
/// `Observation` for the engine's value: the two never clash, and a file's imports do not
/// decide which one a name means.
public enum Wire {}
