// swift-tools-version:6.0
// Fuzz targets for BiasLab's input readers (issue 16): a separate package so that `swift build` of the
// project never links them (libFuzzer supplies `main`). Build and run with `make fuzz` or
// `make fuzz-smoke`; see Fuzz/README.md.
import PackageDescription

let package = Package(
    name: "BiasLabFuzz",
    dependencies: [.package(name: "BiasLab", path: "..")],
    targets: [
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "BiasLabFuzz",
            dependencies: ["CFuzzDriver", .product(name: "BiasLab", package: "BiasLab"), .product(name: "BiasLabExperiments", package: "BiasLab")]),
    ]
)
