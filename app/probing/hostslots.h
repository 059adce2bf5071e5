#pragma once

#include "config/config.h"

#include <QHash>
#include <QString>

namespace hd {

// Counts the probes running against each host:port, per probe kind, so that a runner can hold a probe back
// until that host has a free slot (max_connections_per_host). A burst to one small server would otherwise
// overflow its listen backlog and read as timeouts. Held-back probes are not started, so waiting never eats
// into their timeout.
class HostSlots final {
public:
    // "http 127.0.0.1:8080", "tcp db:5432", "redis main"; "local" for file and exec checks, which open none.
    static QString keyOf(const CheckConfig& check);
    // The check's own cap for its key, and never more than `ceiling`.
    static int limitOf(const CheckConfig& check, int ceiling);

    bool isFull(const QString& key, int limit) const { return m_running.value(key) >= limit; }
    void take(const QString& key) { ++m_running[key]; }
    void give(const QString& key);

private:
    QHash<QString, int> m_running;
};

} // namespace hd
