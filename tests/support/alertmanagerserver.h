#pragma once

#include "sources/alertmanagerprocess.h"

#include <QJsonArray>
#include <QJsonObject>

namespace hdtest {

// A private Alertmanager (Debian's `prometheus-alertmanager`, 0.25) on a free loopback port, clustering off,
// with a route that notifies nobody and one inhibition rule: `DatabaseDown` inhibits `ApiErrors` of the same
// `env`. It is a test dependency that CI installs: when it is missing, start() fails (the test fails, never skips).
class AlertmanagerServer {
public:
    bool start();
    void kill() { m_process.kill(); }
    QString error() const { return m_error; }
    QString url() const { return m_process.url(); }

    // POST /api/v2/alerts; true on 200. An alert without endsAt fires until resolve() or five minutes.
    bool post(const QJsonArray& alerts) const;
    // Ends an alert by posting it again with endsAt = now.
    bool resolve(const QJsonObject& labels) const;
    // GET /api/v2/alerts?filter=alertname="NAME": the alerts, each with its status.
    QJsonArray alerts(const QString& alertname) const;
    QJsonArray silences() const;

private:
    hd::AlertmanagerProcess m_process;
    QString m_error;
};

} // namespace hdtest
