public enum EngramCore {}
