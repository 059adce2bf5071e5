#pragma once

#include "config/config.h"
#include "probes/probe.h"

#include <QPointer>

namespace hd {

class HttpClient;
class HttpProbe;

// Reads the firing alerts of one `alertmanager:` source: GET /api/v2/alerts (with the source's filter), then,
// when some are silenced, GET /api/v2/silences for who silenced them and until when. Each alert is an entry
// of ProbeResult::items carrying its AlertFacts. When the source cannot be read, the result says why and
// carries the alerts last seen, marked stale: an unreachable Alertmanager never reads as all clear.
class AlertmanagerProbe final : public Probe {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertmanagerProbe)
public:
    AlertmanagerProbe(const CheckConfig& check, HttpClient* client, qint64 maxBodyBytes, QObject* parent = nullptr);

    bool restartable() const override { return true; }

private:
    void run() override;
    void endRun(ProbeResult* result) override;
    void onAlerts(const ProbeResult& http);
    void onSilences(const ProbeResult& http);

    AlertmanagerSourceConfig m_source;
    HttpProbe* m_alerts = nullptr;
    HttpProbe* m_silences = nullptr;
    ProbeResult m_pending; // the alerts, waiting for their silences
    QList<ProbeResult> m_lastSeen;
};

// The answer of GET /api/v2/alerts as items, or a failed result naming why (HTTP status, not JSON).
ProbeResult alertmanagerAlertsResult(const AlertmanagerSourceConfig& source, const ProbeResult& http);
// Fills AlertFacts::silence of silenced alerts from the answer of GET /api/v2/silences.
void applyAlertmanagerSilences(ProbeResult& alerts, const QByteArray& silencesJson);

} // namespace hd
