#pragma once

#include "checkrows.h"
#include "config/config.h"

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
    bool matches(const CheckConfig &check) const;
};

// Runs every matching check once, all at the same time, and reports the rows.
// The whole run is bounded by the largest timeout plus a grace period, never
// by the sum of the timeouts.
class OneShotRun final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OneShotRun)
public:
    OneShotRun(const Config &config, const CheckFilter &filter, QObject *parent = nullptr);
    ~OneShotRun() override;

    void start();
    const QList<CheckRow> &rows() const { return m_rows; }
    int checkCount() const { return int(m_checks.size()); }

Q_SIGNALS:
    void finished();

private:
    void onProbeFinished(int index, const ProbeResult &result);
    void onDeadline();
    void finish();

    Config m_config;
    QList<CheckConfig> m_checks;
    QList<std::optional<ProbeResult>> m_results;
    QList<Probe *> m_probes;
    ProbeFactory *m_factory = nullptr;
    QTimer m_deadline;
    int m_pending = 0;
    bool m_done = false;
    QList<CheckRow> m_rows;
};

} // namespace hd
