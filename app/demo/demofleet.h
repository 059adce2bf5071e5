#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QObject>
#include <QTimer>
#include <QUrl>

namespace hd {

// The demo's simulated fleet as its Alertmanager sees it: a Watchdog that always fires, a warning on a
// backtest node, and, as a fault, a critical alert on the FIX gateway. Alerts are posted again every
// 30 s, as Prometheus does, so that they keep firing; a cleared fault is posted once more with its end.
class DemoFleet final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoFleet)
public:
    explicit DemoFleet(const QUrl& alertmanager, QObject* parent = nullptr);

    void start();
    // The FIX session to the exchange drops: alert FixSessionDown, severity critical, service fix-gateway.
    void setFixSessionDown(bool down);
    bool fixSessionDown() const { return m_fixDown; }

private:
    QJsonArray alerts(bool withFixEnded) const;
    void post(const QJsonArray& alerts);

    QUrl m_url;
    QNetworkAccessManager m_network;
    QTimer m_repeat;
    QDateTime m_started; // when the always-firing alerts began
    QDateTime m_fixSince; // when the FIX alert began; invalid while it does not fire
    bool m_fixDown = false;
};

} // namespace hd
