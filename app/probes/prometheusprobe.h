#pragma once

#include "config/config.h"
#include "probes/probe.h"

namespace hd {

class HttpClient;
class HttpProbe;

// A PromQL instant query for one `prometheus:` check. The request is the check's http probe
// (GET URL/api/v1/query?query=..., with its headers, auth and TLS); the answer becomes one entry
// of ProbeResult::items per series, keyed by its labels (prometheusItemName), with the series'
// value and labels for [VALUE] and [LABELS].name.
class PrometheusProbe final : public Probe {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PrometheusProbe)
public:
    PrometheusProbe(const CheckConfig& check, HttpClient* client, qint64 maxBodyBytes, QObject* parent = nullptr);

    bool restartable() const override { return true; }

private:
    void run() override;
    void endRun(ProbeResult* result) override;

    HttpProbe* m_http = nullptr; // its timeout is the query's
};

// The labels written name=value,name=value in label-name order, __name__ left out (the row's ITEM).
QString prometheusItemName(const QMap<QString, QString>& labels);

// Turns the http probe's answer to /api/v1/query into the query's result: items per series on
// success; on a Prometheus error (400 bad_data, 422 execution, 503 unavailable) an unknown result
// naming errorType and the message; transport failures pass through unchanged.
ProbeResult prometheusQueryResult(const ProbeResult& http);

} // namespace hd
