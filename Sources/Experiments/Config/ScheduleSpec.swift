import Optim

/// Parses a learning-rate or weight-decay schedule written in one line (see ``Schedule`` for s(k)):
///
/// ```
/// constant
/// step-decay:milestones=800+900,factor=0.1
/// linear-warmup:steps=100,initial=0
/// exponential-warmup:steps=500,initial=1e-3
/// linear-decay:start=0,end=1000,final=0
/// linear-warmup:steps=100,initial=0 * linear-decay:start=100,end=1000,final=0     (a product)
/// ```
public enum ScheduleSpec {
    public static func parse(_ text: String, path: String) throws(ConfigError) -> Schedule {
        let factors = text.split(separator: "*").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !factors.isEmpty else { throw ConfigError(path: path, "expected a schedule, got an empty string") }
        var schedule = try factor(factors[0], path: path)
        for f in factors.dropFirst() { schedule = .product(schedule, try factor(f, path: path)) }
        return schedule
    }

    private static let keys: [String: [String]] = [
        "constant": [], "step-decay": ["milestones", "factor"], "linear-warmup": ["steps", "initial"],
        "exponential-warmup": ["steps", "initial"], "linear-decay": ["start", "end", "final"],
    ]

    private static func factor(_ text: String, path: String) throws(ConfigError) -> Schedule {
        let name = String(text.prefix { $0 != ":" })
        guard let valid = keys[name] else {
            throw ConfigError(path: path, "unknown schedule '\(name)' (expected one of \(keys.keys.sorted().joined(separator: ", ")))")
        }
        var values: [String: String] = [:]
        for field in text.dropFirst(name.count).drop(while: { $0 == ":" }).split(separator: ",") {
            let pair = field.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, valid.contains(pair[0]) else {
                throw ConfigError(path: path, "'\(field)' in schedule \(name) must be key=value with key one of \(valid.joined(separator: ", "))")
            }
            values[pair[0]] = pair[1]
        }
        func number(_ key: String) throws(ConfigError) -> Double {
            guard let t = values[key] else { throw ConfigError(path: path, "schedule \(name) needs \(key)=…") }
            guard let d = Double(t), d.isFinite, d >= 0 else { throw ConfigError(path: path, "schedule \(name): \(key) must be a number ≥ 0, got \(t)") }
            return d
        }
        func integer(_ key: String) throws(ConfigError) -> Int {
            guard let t = values[key] else { throw ConfigError(path: path, "schedule \(name) needs \(key)=…") }
            guard let i = Int(t), i >= 0 else { throw ConfigError(path: path, "schedule \(name): \(key) must be an integer ≥ 0, got \(t)") }
            return i
        }
        switch name {
        case "constant": return .constant
        case "step-decay":
            let milestones = (values["milestones"] ?? "").split(separator: "+").map { Int($0) }
            guard !milestones.isEmpty, milestones.allSatisfy({ $0 != nil && $0! >= 0 }) else {
                throw ConfigError(path: path, "schedule step-decay: milestones must be step indices joined by '+', e.g. 800+900")
            }
            return .stepDecay(milestones: milestones.map { $0! }, factor: try number("factor"))
        case "linear-warmup": return .linearWarmup(steps: try integer("steps"), initialFraction: try number("initial"))
        case "exponential-warmup": return .exponentialWarmup(steps: try integer("steps"), initialFactor: try number("initial"))
        default:
            let start = try integer("start"), end = try integer("end")
            guard end > start else { throw ConfigError(path: path, "schedule linear-decay: end must exceed start, got \(start)…\(end)") }
            return .linearDecay(start: start, end: end, finalFraction: try number("final"))
        }
    }
}
