#pragma once

#include "config/config.h"
#include "health/checkrows.h"
#include "hostslots.h"

#include <QHash>
#include <QObject>
#include <QTimer>

namespace hd {

class Probe;
class ProbeFactory;

// Which checks a run covers: --service and --tag (each repeatable, OR within a
// kind, AND between kinds). Empty lists match everything.
struct CheckFilter {
    QStringList services;
    QStringList tags;
    bool matches(const CheckConfig& check) const;
};

// Runs every matching check once and reports the rows. Checks start together, except that no more than
// max_connections_per_host run against one host:port at once; the others wait their turn, and a check's timeout
// runs only from its own start. The whole run is bounded: a few times the largest timeout, never the sum of the
// timeouts. A check still waiting then is reported as never run.
class OneShotRun final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OneShotRun)
public:
    OneShotRun(const Config& config, const CheckFilter& filter, QObject* parent = nullptr);
    ~OneShotRun() override;

    void start();
    const QList<CheckRow>& rows() const { return m_rows; }
    int checkCount() const { return int(m_checks.size()); }

Q_SIGNALS:
    void finished();

private:
    void startProbe(int index);
    void onProbeFinished(int index, const ProbeResult& result);
    void onDeadline();
    void finish();

    Config m_config;
    QList<CheckConfig> m_checks;
    QList<std::optional<ProbeResult>> m_results;
    QList<Probe*> m_probes;
    QList<QString> m_hostKeys; // per check: HostSlots::keyOf
    HostSlots m_slots;
    QHash<QString, QList<int>> m_waiting; // per host key: checks that wait for a slot, in config order
    ProbeFactory* m_factory = nullptr;
    QTimer m_deadline;
    int m_pending = 0;
    bool m_done = false;
    QList<CheckRow> m_rows;
};

} // namespace hd
