#pragma once

namespace hd {

// Each front end owns its QCoreApplication/QApplication and returns the exit code.
int runAdminCommand(int argc, char *argv[]);
int runCheckCommand(int argc, char *argv[]);
int runDemoCommand(int argc, char *argv[]);
int runHeadlessDemo(int argc, char *argv[]);
int runMonitorCommand(int argc, char *argv[]);
int runUsage(int argc, char *argv[]);

} // namespace hd
