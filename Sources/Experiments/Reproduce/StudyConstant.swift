/// A setting a study declares in its code (an optimizer's hyperparameters, a preset with overrides),
/// built by a throwing initializer that cannot fail for the declared values: an error is a programming
/// error in the study and traps, naming the study and `what`.
func declared<Value>(_ study: StudyAbout, _ what: String, _ make: () throws -> Value) -> Value {
    do { return try make() } catch { preconditionFailure("\(study.name): \(what) is valid by construction: \(error)") }
}
