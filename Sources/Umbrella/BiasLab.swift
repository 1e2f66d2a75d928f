// `import BiasLab`: the core of BiasLab in one import — tensors, the autodiff engine, data, models and
// objectives, optimizers, curvature and noise instruments, and the papers' theory. No storage, config or
// command-line dependency comes with it; runs, stores and sweeps are the `BiasLabExperiments` product.
@_exported import Autodiff
@_exported import Curvature
@_exported import DataIO
@_exported import NN
@_exported import Optim
@_exported import Tensor
@_exported import Theory
