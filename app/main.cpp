// The only file that sees every layer: it picks the front end from argv[1].
#include "cli/frontends.h"
#include "dashboard/dashboardapp.h"

#include <cstdio>
#include <cstring>

int main(int argc, char* argv[])
{
    const char* command = argc > 1 ? argv[1] : "";
    // Answered before anything else, so that they work without a display or a config.
    if (std::strcmp(command, "--version") == 0 || std::strcmp(command, "-v") == 0)
        return hd::runVersion();
    if (std::strcmp(command, "--help") == 0 || std::strcmp(command, "-h") == 0 || std::strcmp(command, "help") == 0)
        return hd::runHelp();
    if (std::strcmp(command, "check") == 0)
        return hd::runCheckCommand(argc, argv);
    if (std::strcmp(command, "monitor") == 0)
        return hd::runMonitorCommand(argc, argv);
    if (std::strcmp(command, "ack") == 0)
        return hd::runAckCommand(argc, argv);
    if (std::strcmp(command, "admin") == 0)
        return hd::runAdminCommand(argc, argv);
    if (std::strcmp(command, "demo") == 0)
        return hd::wantsHeadlessDemo(argc, argv) ? hd::runHeadlessDemo(argc, argv) : hd::runDashboard(argc, argv, true);
    // No command, or only options: the dashboard.
    if (command[0] == '\0' || command[0] == '-') {
        if (!hd::hasDisplay()) {
            std::fputs("healthdeck: no display to open the dashboard on (DISPLAY and WAYLAND_DISPLAY are unset).\n"
                       "Use healthdeck check, healthdeck monitor, or healthdeck demo --headless here.\n",
                stderr);
            return 2;
        }
        return hd::runDashboard(argc, argv, false);
    }
    return hd::runUsage(argc, argv);
}
