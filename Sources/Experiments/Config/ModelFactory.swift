import NN

/// Builds the model named by a config's `model` key: any data-driven ``ModelSpec`` (mlp, cnn, linear,
/// dln, deeplinear; `biaslab models` lists the syntax), e.g. `mlp:784-200-200-10:tanh` (Cohen et al.'s
/// fc-tanh on flattened 28×28 inputs). Analytic objectives (quadratic, toy-quadratic, ellipse) have
/// no data and are not run through configs.
public enum ModelFactory {
    public static func makeModel(spec: String, path: String = "model") throws(ConfigError) -> any Model {
        let parsed: ModelSpec
        do { parsed = try ModelSpec.parse(spec) } catch { throw ConfigError(path: path, "\(error)") }
        guard let model = parsed.model else {
            throw ConfigError(path: path, "'\(spec)' is an analytic objective without data; run configs take a model that trains on data (mlp, cnn, linear, dln, deeplinear)")
        }
        return model
    }
}
