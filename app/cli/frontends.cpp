#include "frontends.h"

#include <cstdio>

namespace hd {

namespace {

const char* kUsage
    = "usage: healthdeck [--config FILE] [--history FILE] [--read-only]   the dashboard\n"
      "       healthdeck check --config FILE [--tag T]... [--service S]... [--json] [--quiet]\n"
      "       healthdeck monitor --config FILE [--duration D] [--history FILE] [--metrics-listen ADDR]\n"
      "       healthdeck ack --config FILE KEY --comment TEXT [--expiry D] [--author NAME] [--remove]\n"
      "       healthdeck admin --config FILE SERVICE ACTION [key=value]... [--yes] [--json] [--read-only]\n"
      "       healthdeck demo [--headless]                    the simulated trading backend\n"
      "       healthdeck --version\n"
      "Each command takes --help for its options; man healthdeck for the whole of it.\n";

} // namespace

int runUsage(int, char* argv[])
{
    std::fprintf(stderr, "healthdeck: unknown command '%s'\n%s", argv[1], kUsage);
    return 2;
}

int runHelp()
{
    std::fputs(kUsage, stdout);
    return 0;
}

int runVersion()
{
    std::fputs("healthdeck " HEALTHDECK_VERSION "\n", stdout);
    return 0;
}

} // namespace hd
