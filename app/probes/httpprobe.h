#pragma once

#include "config/config.h"
#include "probes/httpclient.h"
#include "probes/probe.h"

#include <QNetworkReply>
#include <QPointer>
#include <QStringList>

namespace hd {

// Qt's reason for a failed exchange, in the words a detail line uses
// ("connection refused", "host not found"); qtText is used when nothing better fits.
QString describeNetworkError(QNetworkReply::NetworkError error, const QString& qtText);

// One HTTP(S) request for one `http:` check, through the lean keep-alive HttpClient
// that `client` names: the ProbeFactory's, one per set of TLS settings, shared by the
// probes with those settings. https:// runs on the client's TLS layer with the check's
// own TLS settings, so its connections are pooled apart from those of checks with other settings.
class HttpProbe final : public Probe {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpProbe)
public:
    // maxBodyBytes is the engine's default cap; the check's own http.maxBodyBytes
    // wins when set, and Defaults::maxBodyBytes applies when both are 0.
    HttpProbe(const CheckConfig& check, HttpClient* client, qint64 maxBodyBytes, QObject* parent = nullptr);
    ~HttpProbe() override;

    bool restartable() const override { return true; }

    qint64 bodyCap() const { return m_cap; }

private:
    void run() override;
    void onDeadline() override;
    void endRun(ProbeResult* result) override;
    void prepare();
    void startCall();
    void onCallFinished();
    void fillResponse(ProbeResult& result) const;
    void releaseCall();

    CheckConfig m_check;
    QPointer<HttpClient> m_client;
    qint64 m_cap = 0;
    QPointer<HttpCall> m_call;
    QPointer<HttpCall> m_firstCall; // the exchange of the check's own request, reused by every run
    // Worked out once, by prepare(), on the first start().
    bool m_prepared = false;
    std::shared_ptr<TlsContext> m_tls; // https://: the check's TLS settings
    QString m_misconfigured; // why this probe cannot run; empty if it can
    QByteArray m_firstMethod; // upper case
    QString m_literalIp; // the URL's host, if it is an IP address
    QList<QPair<QByteArray, QByteArray>> m_plainHeaders;
    QUrl m_url; // the current target, after redirects
    QByteArray m_method; // upper case; GET after a 301/302/303
    QByteArray m_requestBody;
    int m_redirects = 0; // followed so far
    QString m_ip;
    bool m_connected = false;
};

} // namespace hd
