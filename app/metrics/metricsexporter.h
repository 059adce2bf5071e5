#pragma once

#include "metrics/checkmetrics.h"

#include <QObject>
#include <QPointer>

class QHttpServer;
class QTcpServer;

namespace hd {

class MonitorEngine;

// Serves GET /metrics for one engine: Prometheus text 0.0.4, or OpenMetrics when the scraper's Accept header
// asks for it. Lives on the engine's thread; it listens to the engine's signals, so the series are the rows
// the engine has.
class MetricsExporter final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricsExporter)
public:
    explicit MetricsExporter(MonitorEngine* engine, QObject* parent = nullptr);
    ~MetricsExporter() override;

    // "HOST:PORT", "[::1]:PORT" or ":PORT"/"PORT" (127.0.0.1). False with *error naming the cause.
    bool listen(const QString& address, QString* error);
    quint16 port() const;
    QString address() const; // as listening: "127.0.0.1:9464"

    CheckMetrics& metrics() { return m_metrics; }

    // Splits "HOST:PORT"; nullopt with *error when it is not one.
    struct Endpoint {
        QString host;
        quint16 port = 0;
    };
    static std::optional<Endpoint> parseAddress(const QString& address, QString* error);

private:
    QByteArray scrape(CheckMetrics::Format format);

    QPointer<MonitorEngine> m_engine;
    CheckMetrics m_metrics;
    QHttpServer* m_http = nullptr;
    QTcpServer* m_tcp = nullptr;
};

} // namespace hd
