// Experiments target: configs, runner, results store, sweeps, reports.
