// \(t) target: see README.
