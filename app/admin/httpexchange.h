#pragma once

#include "config/config.h"
#include "probes/httpclient.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTimer>
#include <QUrl>

namespace hd {

struct HttpExchangeRequest {
    QUrl url; // http or https
    QByteArray method = "GET";
    QList<QPair<QByteArray, QByteArray>> headers; // Host, Content-Length and Connection are set here
    QByteArray body;
    qint64 timeoutMs = 10'000; // the whole exchange: connect, send, answer
    qint64 maxBodyBytes = 4 * 1024 * 1024;
    TlsClientConfig tls;
};

struct HttpExchangeResponse {
    enum class Error {
        None,
        NotSent, // never reached the server: bad URL, refused, TLS failure, no connection in time
        Timeout, // sent, no complete answer in time
        ConnectionLost, // sent, the connection ended before a complete answer
        Malformed, // sent, the answer is not HTTP
        TooLarge, // sent, the body is over maxBodyBytes
    };
    Error error = Error::None;
    QString errorString;
    bool requestWritten = false; // the request went out on a connection: the server may have acted on it
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray& name) const; // case-insensitive; the first one; empty if absent
    QList<QByteArray> headerValues(const QByteArray& name) const;
};

// One HTTP/1.1 request on a connection of its own, written at most once: a one-shot request
// (HttpRequest::oneShot) on the probes' HttpClient and its TLS layer.
//
// Admin actions do not go through QNetworkAccessManager: when a server closes the connection after
// reading a request but before answering, Qt's HTTP backend silently sends the request again (up to three
// times), which would run a POST action twice. Here a lost connection is reported, never repaired.
class HttpExchange final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpExchange)

public:
    explicit HttpExchange(HttpExchangeRequest request, QObject* parent = nullptr);
    ~HttpExchange() override;

    void start(); // finished() always follows, never from inside start()
    void abort(); // drops the connection; finished() is not emitted
    bool isFinished() const { return m_finished; }
    const HttpExchangeResponse& response() const { return m_response; }

Q_SIGNALS:
    void finished();

private:
    void onCallFinished();
    void fail(HttpExchangeResponse::Error error, const QString& message);
    void finish();
    void finishLater();

    HttpExchangeRequest m_request;
    HttpExchangeResponse m_response;
    HttpClient m_client; // this exchange's own: its one connection closes with it
    HttpCall* m_call = nullptr;
    QTimer m_deadline;
    bool m_finished = false;
};

} // namespace hd
