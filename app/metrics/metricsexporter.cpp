#include "metricsexporter.h"

#include "monitor/monitorengine.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QTcpServer>

namespace hd {

MetricsExporter::MetricsExporter(MonitorEngine* engine, QObject* parent)
    : QObject(parent)
    , m_engine(engine)
    , m_http(new QHttpServer(this))
{
    connect(engine, &MonitorEngine::rowsUpdated, this, [this](const QList<RowState>& rows) { m_metrics.update(rows); });
    connect(engine, &MonitorEngine::rowsRemoved, this, [this](const QStringList& keys) { m_metrics.remove(keys); });
    connect(engine, &MonitorEngine::stateChanged, this,
        [this](const StateChange& change) { m_metrics.noteStateChange(change); });
    m_http->route(
        QStringLiteral("/metrics"), QHttpServerRequest::Method::Get, [this](const QHttpServerRequest& request) {
            const auto format = CheckMetrics::negotiate(request.value(QByteArrayLiteral("Accept")));
            return QHttpServerResponse(CheckMetrics::contentType(format), scrape(format));
        });
    m_http->route(QStringLiteral("/"), QHttpServerRequest::Method::Get, [] {
        return QHttpServerResponse(QByteArrayLiteral("text/plain; charset=utf-8"),
            QByteArrayLiteral("healthdeck: the metrics are at /metrics\n"));
    });
}

MetricsExporter::~MetricsExporter()
{
    delete m_http; // before the listening socket it was bound to
    m_http = nullptr;
}

std::optional<MetricsExporter::Endpoint> MetricsExporter::parseAddress(const QString& address, QString* error)
{
    QString text = address.trimmed();
    Endpoint out;
    const qsizetype colon = text.lastIndexOf(u':');
    QString portText = colon < 0 ? text : text.mid(colon + 1);
    out.host = colon < 0 ? QString() : text.left(colon);
    if (out.host.startsWith(u'[') && out.host.endsWith(u']'))
        out.host = out.host.mid(1, out.host.size() - 2);
    if (out.host.isEmpty())
        out.host = QStringLiteral("127.0.0.1");
    bool ok = false;
    const uint port = portText.toUInt(&ok);
    if (!ok || port == 0 || port > 65535) {
        *error = u"bad address '" + address + u"': use HOST:PORT, such as 127.0.0.1:9464, or :PORT for loopback";
        return std::nullopt;
    }
    out.port = quint16(port);
    return out;
}

bool MetricsExporter::listen(const QString& address, QString* error)
{
    const auto endpoint = parseAddress(address, error);
    if (!endpoint)
        return false;
    QHostAddress host;
    if (endpoint->host == u"localhost")
        host = QHostAddress::LocalHost;
    else if (!host.setAddress(endpoint->host)) {
        *error = u"bad address '" + address + u"': " + endpoint->host + u" is not an IP address";
        return false;
    }
    auto* tcp = new QTcpServer(this);
    if (!tcp->listen(host, endpoint->port)) {
        *error = u"cannot listen on " + address + u": " + tcp->errorString();
        delete tcp;
        return false;
    }
    m_tcp = tcp;
    m_http->bind(tcp);
    return true;
}

quint16 MetricsExporter::port() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

QString MetricsExporter::address() const
{
    if (!m_tcp)
        return QString();
    const QHostAddress a = m_tcp->serverAddress();
    const QString host = a.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + a.toString() + u']' : a.toString();
    return host + u':' + QString::number(m_tcp->serverPort());
}

QByteArray MetricsExporter::scrape(CheckMetrics::Format format)
{
    if (m_engine) {
        const SchedulingLag lag = m_engine->schedulingLag();
        m_metrics.setSchedulingLag(lag.p99Ms, lag.maxMs);
    }
    return m_metrics.render(format);
}

} // namespace hd
