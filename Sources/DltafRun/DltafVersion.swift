/// dltaf's own release version.
public enum DltafVersion {
    /// The version string.
    public static let current = "0.1.0"
}
