// SPDX-License-Identifier: MIT
// Scenario files and the commands `dofa run --stdin` takes (one RunCommand per line). A command
// that parses must print as text that parses to the same command; a scenario that parses is
// stepped to its end.
#include <cstdlib>
#include <exception>
#include <sstream>

#include "fuzz_support.h"
#include "run/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(dofa::fuzz::bytesOf(data, size));
    try {
        dofa::Scenario scenario = dofa::Scenario::parse(text, "fuzz input");
        double lastSeconds = 0;
        std::int64_t lastFrame = 0;
        for (const dofa::ScenarioEvent& event : scenario.events()) {
            lastSeconds = std::max(lastSeconds, event.atSeconds.value_or(0));
            lastFrame = std::max(lastFrame, event.atFrame.value_or(0));
        }
        (void)scenario.due(lastSeconds / 2, lastFrame / 2);
        (void)scenario.due(lastSeconds, lastFrame);
        if (!scenario.finished()) {
            std::abort();  // every event is due by the latest time and frame of the file
        }
    } catch (const std::exception& e) {
        dofa::fuzz::refused(e);
    }
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        dofa::RunCommand command;
        try {
            command = dofa::RunCommand::parse(line);
        } catch (const std::exception& e) {
            dofa::fuzz::refused(e);
            continue;
        }
        if (dofa::RunCommand::parse(command.toString()).toString() != command.toString()) {
            std::abort();  // the text form does not round-trip
        }
    }
    return 0;
}
