#pragma once

#include <QJsonObject>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

namespace hdtest {

// A private Prometheus (Debian's `prometheus`, 2.42) on a free loopback port, scraping the given targets every
// second. Prometheus is a test dependency that CI installs: when it is missing, start() fails (the test fails,
// never skips).
class PrometheusServer {
public:
    struct Job {
        QString name;
        QStringList targets; // "127.0.0.1:PORT"
        QString metricsPath = QStringLiteral("/metrics");
    };
    ~PrometheusServer();

    bool start(const QList<Job>& jobs);
    QString error() const { return m_error; }
    QString url() const; // http://127.0.0.1:PORT

    // GET /api/v1/query; the whole JSON answer, or an empty object when the request failed.
    QJsonObject query(const QString& promql) const;
    // The value of the single series `promql` returns, or NaN when it returns none or several.
    double value(const QString& promql) const;

private:
    QProcess m_process;
    QTemporaryDir m_dir;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace hdtest
