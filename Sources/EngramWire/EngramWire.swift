public enum EngramWire {}
