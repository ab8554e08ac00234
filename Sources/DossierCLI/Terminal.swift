import Foundation

enum Terminal {
    /// Writes a line to standard error.
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// `--timings`: one line per phase, then the total.
    static func printTimings(_ phases: [(phase: String, seconds: Double)], total: Double) {
        for (phase, seconds) in phases + [("total", total)] {
            print("  " + phase.padding(toLength: 26, withPad: " ", startingAt: 0) + String(format: "%8.3f s", seconds))
        }
    }
}
