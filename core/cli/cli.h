// SPDX-License-Identifier: MIT
#pragma once

namespace dofa {

/// Exit codes the `dofa` CLI promises to scripts.
enum ExitCode : int {
    kExitOk = 0,
    kExitFailure = 1,       ///< the work itself failed
    kExitUsage = 2,         ///< bad command line
    kExitBadInput = 3,      ///< a file is missing, corrupt or does not match
    kExitInterrupted = 130  ///< SIGINT/SIGTERM; resumable work was checkpointed
};

/// Entry point of the `dofa` command-line tool (app/ holds only the main that calls it).
int runCli(int argc, char** argv);

}  // namespace dofa
