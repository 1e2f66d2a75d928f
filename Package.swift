// swift-tools-version:6.0
import PackageDescription

// BiasLab: measure and predict the implicit bias of optimizers.
// Layers (a lower layer never imports a higher one):
//   CBLAS/CZlib/CPlatform → Tensor → Autodiff → DataIO → NN → Optim → Curvature → Theory → biaslab
// (DataIO owns BatchSampling, the one sampling vocabulary every higher layer uses)

let package = Package(
    name: "BiasLab",
    platforms: [.macOS(.v13)],
    products: [
        // The core, `import BiasLab`: no storage, config or CLI dependencies (GRDB, Yams and
        // ArgumentParser are not built for a package that uses only this product).
        .library(name: "BiasLab", targets: ["BiasLab"]),
        // Runs, the SQLite results store, configs and sweeps (`import Experiments`).
        .library(name: "BiasLabExperiments", targets: ["Experiments"]),
        .executable(name: "biaslab", targets: ["BiasLabCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // MARK: System libraries
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // cpuid, affinity, the BLAS kernel correction at load time, and the x86-64 vector kernels with
        // their portable fallbacks.
        .target(name: "CPlatform", dependencies: ["CBLAS"],
                linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("m")]),

        // MARK: Public library targets
        .target(name: "Tensor", dependencies: ["CBLAS", "CPlatform"]),
        .target(name: "Autodiff", dependencies: ["Tensor"]),
        .target(name: "DataIO", dependencies: ["Tensor", "CZlib"]),
        .target(name: "NN", dependencies: ["Tensor", "Autodiff", "DataIO"]),
        .target(name: "Optim", dependencies: ["Tensor", "DataIO", "NN"]),
        .target(name: "Curvature", dependencies: ["Tensor", "DataIO", "NN", "Optim"]),
        .target(name: "Theory", dependencies: ["Tensor", "DataIO", "NN", "Optim", "Curvature"]),
        .target(name: "Experiments", dependencies: [
            "Tensor", "Autodiff", "DataIO", "NN", "Optim", "Curvature", "Theory",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Yams", package: "Yams"),
        ]),

        // The umbrella module: `import BiasLab` re-exports the core targets.
        .target(name: "BiasLab", dependencies: ["Tensor", "Autodiff", "DataIO", "NN", "Optim", "Curvature", "Theory"],
                path: "Sources/Umbrella"),

        // MARK: Test support (not a product)
        .target(name: "BiasLabTestSupport", dependencies: ["Tensor", "Autodiff", "NN"]),

        // MARK: Executable
        .executableTarget(
            name: "BiasLabCLI",
            dependencies: [
                "CPlatform", "Tensor", "Autodiff", "DataIO", "NN", "Optim", "Curvature", "Theory", "Experiments",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/biaslab"),

        // MARK: Benchmark (make bench)
        .executableTarget(name: "biaslab-bench", dependencies: ["Tensor", "Autodiff", "DataIO", "NN", "Optim", "Curvature"],
                          path: "Sources/BiasLabBench"),

        // MARK: Tests
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "BiasLabTestSupport"]),
        .testTarget(name: "AutodiffTests", dependencies: ["Autodiff", "Tensor", "BiasLabTestSupport"]),
        .testTarget(name: "DataIOTests", dependencies: ["DataIO", "Tensor", "BiasLabTestSupport"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "Autodiff", "Tensor", "DataIO", "BiasLabTestSupport"]),
        .testTarget(name: "OptimTests", dependencies: ["Optim", "Tensor", "DataIO", "NN", "BiasLabTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "CurvatureTests", dependencies: ["Curvature", "DataIO", "NN", "Optim", "Tensor", "BiasLabTestSupport"]),
        .testTarget(name: "TheoryTests", dependencies: ["Theory", "Curvature", "DataIO", "NN", "Optim", "Tensor", "BiasLabTestSupport"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "NN", "Optim", "Curvature", "Theory", "DataIO", "Tensor", "BiasLabTestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["BiasLabCLI", "BiasLabTestSupport", "Tensor"]),
        .testTarget(name: "LibraryUsageTests", dependencies: ["BiasLab"]),
    ],
    swiftLanguageModes: [.v6]
)
