#include "frontends.h"

#include <cstdio>

namespace hd {

int runCheckCommand(int, char *[]) { return 2; }
int runDemoCommand(int, char *[]) { return 2; }
int runUsage(int, char *[])
{
    std::fputs("usage: healthdeck [check|monitor|admin|demo] ...\n", stderr);
    return 2;
}

} // namespace hd
