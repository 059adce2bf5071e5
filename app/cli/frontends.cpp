#include "frontends.h"

#include <cstdio>

namespace hd {

int runUsage(int, char *[])
{
    std::fputs("usage: healthdeck check --config FILE [--tag T]... [--service S]... [--json] [--quiet]\n"
               "       healthdeck demo\n",
               stderr);
    return 2;
}

} // namespace hd
