/// How far an answer of `advise` is validated: the claims of the reproduction studies that tested it and
/// the verdicts recorded for them in docs/REPRODUCTIONS.md (the claim's text comes from the study's code,
/// `Studies.all`; a test checks every recorded verdict against the document's row).
public struct AdviceValidation: Codable, Equatable, Sendable {
    /// The claim id, e.g. `000-beta2-argmin-falls`.
    public let claim: String
    /// The study that measured it (`biaslab reproduce <study>`).
    public let study: String
    /// What the paper claims, as the study states it.
    public let statement: String
    public let verdict: Verdict

    /// The verdicts of docs/REPRODUCTIONS.md for the claims the advice cites.
    public static let recorded: [String: Verdict] = [
        "000-beta2-argmin-falls": .reproduced,
        "000-beta1-rises": .notReproduced,
        "000-transition-batch": .notReproduced,
        "004-sqrt-tracks": .notReproduced,
        "004-sqrt-partial": .reproduced,
        "004-sqrt-breaks": .reproduced,
        "003-lssr-fits": .inconclusive,
        "003-lssr-saturates": .inconclusive,
        "003-gd-ias-at-edge": .reproduced,
        "003-sgd-ratio-at-edge": .reproduced,
        "003-momentum-polyak": .inconclusive,
        "003-momentum-nesterov": .reproduced,
        "001-fig5-preconditioned-edge": .reproduced,
        "001-fig6-below-edge": .reproduced,
        "001-fig2a-accuracy-falls": .notReproduced,
    ]

    /// The rows for `claims` (ids of ``recorded``), in order; an id no study declares is skipped.
    public static func rows(_ claims: [String]) -> [AdviceValidation] {
        claims.compactMap { id in
            guard let verdict = recorded[id],
                  let study = Studies.all.first(where: { $0.claims.contains { $0.id == id } }),
                  let claim = study.claims.first(where: { $0.id == id }) else { return nil }
            return AdviceValidation(claim: id, study: study.name, statement: claim.statement, verdict: verdict)
        }
    }

    /// "not validated", or "claim (study): verdict; …".
    public static func summary(_ rows: [AdviceValidation]) -> String {
        rows.isEmpty ? "not validated" : rows.map { "\($0.claim): \($0.verdict.rawValue)" }.joined(separator: "; ")
    }
}
