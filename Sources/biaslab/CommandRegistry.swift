import ArgumentParser

/// Every subcommand of `biaslab`, in the order `--help` lists them. One line per command file in
/// Commands/.
enum CommandRegistry {
    static let all: [ParsableCommand.Type] = [
        AdviseCommand.self,
        DemoCommand.self,
        DoctorCommand.self,
        DataCommand.self,
        EvaluateCommand.self,
        ConfigReferenceCommand.self,
        CurvatureCommand.self,
        TrainCommand.self,
        ModelsCommand.self,
        OptimizersCommand.self,
        ProbesCommand.self,
        ResultsCommand.self,
        ReportCommand.self,
        ReproduceCommand.self,
        RunCommand.self,
        ScaleCommand.self,
        SDECommand.self,
        StabilityCommand.self,
        StabilityThresholdCommand.self,
        SweepCommand.self,
        TheoryCommand.self,
    ]
}
