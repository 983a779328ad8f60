extension String {
    /// This text with each Unicode scalar that `table` names written as its replacement, and each
    /// other one that `otherwise` has a replacement for written so; the rest kept as they are. The
    /// one loop behind the escapes adm writes: a quoted word, the escaped form of a secret, XML.
    public func escaping(_ table: [Unicode.Scalar: String], otherwise: (Unicode.Scalar) -> String? = { _ in nil }) -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            if let replacement = table[scalar] ?? otherwise(scalar) {
                out += replacement
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
