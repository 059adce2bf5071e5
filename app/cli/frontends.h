#pragma once

namespace hd {

// Each front end owns its QCoreApplication/QApplication and returns the exit code.
int runAckCommand(int argc, char* argv[]);
int runAdminCommand(int argc, char* argv[]);
int runCheckCommand(int argc, char* argv[]);
// `healthdeck demo` in the terminal: the simulated backend, state changes on stdout, faults from stdin.
int runHeadlessDemo(int argc, char* argv[]);
// A window can be opened: a display, or a platform chosen with QT_QPA_PLATFORM.
bool hasDisplay();
// `healthdeck demo --headless`, or no display to open the dashboard on.
bool wantsHeadlessDemo(int argc, char* argv[]);
int runMonitorCommand(int argc, char* argv[]);
// A command healthdeck does not know: the usage on stderr, exit 2.
int runUsage(int argc, char* argv[]);
// `healthdeck --help`: the usage on stdout, exit 0.
int runHelp();
// `healthdeck --version`: "healthdeck X.Y.Z".
int runVersion();

} // namespace hd
