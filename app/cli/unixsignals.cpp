#include "unixsignals.h"

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace hd {

namespace {
int g_fds[2] = { -1, -1 };

void onSignal(int sig)
{
    const char c = char(sig);
    [[maybe_unused]] const ssize_t n = ::write(g_fds[0], &c, 1);
}
} // namespace

UnixSignals::UnixSignals(QObject* parent)
    : QObject(parent)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_fds) != 0)
        return;
    m_notifier = new QSocketNotifier(g_fds[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, [this] {
        char c = 0;
        if (::read(g_fds[1], &c, 1) != 1)
            return;
        if (c == SIGHUP)
            Q_EMIT hangup();
        else
            Q_EMIT terminate();
    });
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (int sig : { SIGINT, SIGTERM, SIGHUP })
        ::sigaction(sig, &sa, nullptr);
}

UnixSignals::~UnixSignals()
{
    for (int sig : { SIGINT, SIGTERM, SIGHUP })
        std::signal(sig, SIG_DFL);
}

} // namespace hd
