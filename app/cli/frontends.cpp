#include "frontends.h"

#include <cstdio>

namespace hd {

int runUsage(int, char *[])
{
    std::fputs("usage: healthdeck [--config FILE] [--history FILE]          the dashboard\n"
               "       healthdeck check --config FILE [--tag T]... [--service S]... [--json] [--quiet]\n"
               "       healthdeck monitor --config FILE [--duration D] [--history FILE]\n"
               "       healthdeck admin --config FILE SERVICE ACTION [key=value]... [--yes] [--json] [--read-only]\n"
               "       healthdeck demo [--headless]                        the simulated trading backend\n",
               stderr);
    return 2;
}

} // namespace hd
