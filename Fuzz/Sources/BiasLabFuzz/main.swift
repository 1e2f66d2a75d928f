import CFuzzDriver
import Foundation

// `BIASLAB_FUZZ_TARGET=npy BiasLabFuzz [libFuzzer flags] [corpus folders]`: libFuzzer's driver with the
// chosen reader (``FuzzTarget``) as its callback.
_ = FuzzTarget.current
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
