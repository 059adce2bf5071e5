#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QNetworkReply>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include "httpresponseparser.h"
#include "tlssession.h"

#include <memory>
#include <unordered_map>

class QHostInfo;
class QSocketNotifier;

namespace hd {

class HttpCall;
struct HttpConnection;

// One HTTP/1.1 request as the client sends it.
struct HttpRequest {
    QByteArray method = QByteArrayLiteral("GET"); // sent as given (upper case expected)
    QUrl url; // http:// or https://
    QList<QPair<QByteArray, QByteArray>> headers; // sent after Host; Content-Length is computed
    QByteArray body;
    qint64 bodyCap = 0; // the body may not pass this many bytes; 0 means no cap
    // https:// only: the TLS settings (HttpClient::tlsContext). Connections are pooled per
    // settings and host:port, so a connection verified under one check's CA never serves another's.
    std::shared_ptr<TlsContext> tls;
    // On a connection of its own that is closed afterwards, and never sent a second time,
    // whatever the method: for requests that may act on the server (admin actions).
    bool oneShot = false;
};

// What came back, filled as it arrives: a timed-out exchange still shows the
// status, headers and body read so far.
struct HttpResponse {
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers; // as received
    QByteArray body;
    QString peerAddress;
    bool requestSent = false;
    bool bodyTooLarge = false; // the body passed HttpRequest::bodyCap (or announced it would)
    bool encrypted = false; // the TLS handshake completed
    bool tlsResumed = false; // ... by resuming an earlier session
    QByteArray alpn; // the protocol the server chose by ALPN; empty if it chose none
    QDateTime certificateNotAfter; // the server certificate's expiry (https); invalid if none
    // The failure in QNetworkReply's terms so that QNAM and this client read alike;
    // errorText is Qt's or the parser's own words (for ProtocolFailure: what was wrong).
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorText;

    QByteArray header(const QByteArray& name) const; // case-insensitive; empty if absent
};

// A lean HTTP/1.1 client that runs entirely on its own thread, with keep-alive
// connections pooled per host:port and no pipelining. It exists because
// QNetworkAccessManager's separate HTTP thread costs far more CPU per request than a
// health check can afford. TLS runs on OpenSSL directly (TlsStream), over the same
// socket and notifiers, so an https:// request costs one SSL_write and one SSL_read.
//
// Each connection is a non-blocking socket watched by a QSocketNotifier, read with
// one recv() per wake-up. QTcpSocket would add an ioctl(FIONREAD) and a copy through
// its ring buffer to every response; at thousands of checks a second that is a
// large share of the client's cost.
//
// Why it is longer than 600 lines (about 830): the pool, the request writing and the incremental response reading
// share one connection's state; the HTTP/1.1 framing itself is HttpResponseParser's, and TLS is TlsStream's.
class HttpClient final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpClient)
public:
    explicit HttpClient(QObject* parent = nullptr);
    ~HttpClient() override;

    // Starts one request; the exchange is a child of `parent` and emits finished()
    // once, never from inside send(). Deleting or abort()ing it closes its connection.
    HttpCall* send(const HttpRequest& request, QObject* parent);
    // Starts `call` again with the request it last sent (its bytes are kept, not built again).
    void repeat(HttpCall* call);

    // The TLS settings for `tls`, made once per distinct setting and kept for the client's life
    // (with their resumable sessions); null with *error when a file cannot be used.
    std::shared_ptr<TlsContext> tlsContext(const TlsClientConfig& tls, QString* error);

    void setMaxIdlePerHost(int count) { m_maxIdlePerHost = count; }
    void setIdleTimeoutMs(int ms);
    int idleConnections() const;
    qint64 connectionsOpened() const { return m_opened; }

private:
    friend class HttpCall;
    HttpConnection* takeIdle(const QString& key, HttpCall* call);
    // A connection being opened to `address`, owned by `call`; null with *error (an errno) if it failed at once.
    HttpConnection* connectTo(HttpCall* call, const QHostAddress& address, quint16 port, int* error);
    // Sends `bytes` (queueing what the kernel does not take); false with *error (an errno) if the connection failed.
    bool sendOn(HttpConnection* connection, const QByteArray& bytes, int* error);
    void onConnected(HttpConnection* connection); // TCP is up: on to TLS, or to the request
    void continueHandshake(HttpConnection* connection);
    void onReadable(HttpConnection* connection);
    void onTlsReadable(HttpConnection* connection);
    void onWritable(HttpConnection* connection);
    void release(HttpConnection* connection, const QString& key);
    void closeConnection(HttpConnection* connection);
    void sweep();

    std::unordered_map<HttpConnection*, std::unique_ptr<HttpConnection>> m_connections; // every open one
    QByteArray m_readChunk; // what one recv() reads into
    QHash<QString, QList<HttpConnection*>> m_idle;
    QHash<QString, std::shared_ptr<TlsContext>> m_tlsContexts; // by TlsContext::settingsKey
    QTimer m_sweep;
    QElapsedTimer m_clock;
    // Well above what the engine lets run at once against one host (SchedulerLimits:
    // 32 by default), so a busy host keeps its connections instead of opening and
    // closing them every round; reuse is last-in-first-out, so connections that only
    // a burst needed sit at the bottom and time out.
    int m_maxIdlePerHost = 256;
    int m_idleTimeoutMs = 30'000;
    qint64 m_opened = 0;
};

// One request/response on one connection (a stale pooled connection may be
// swapped for a fresh one once, for idempotent methods only).
class HttpCall final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpCall)
public:
    ~HttpCall() override;

    // What came back so far: the parsed status, headers and body with the exchange's own facts.
    HttpResponse response() const;
    // The address the request went to; empty before a connection.
    const QString& peerAddress() const { return m_response.peerAddress; }

    // Stops at once and closes the connection; nothing is emitted afterwards.
    void abort();

Q_SIGNALS:
    void finished();

private:
    friend class HttpClient;
    enum class State { Resolving, Connecting, Receiving, Done };

    HttpCall(HttpClient* client, const HttpRequest& request, QObject* parent);
    void resetExchange(); // everything but the request
    void start();
    void onLookup(const QHostInfo& info);
    void openFresh();
    void connectNext();
    void onConnectDone(int error); // 0, or the errno the connection attempt failed with
    void detach(bool reusable);
    void sendRequest();
    QByteArray wireRequest() const; // the request as sent
    void onData(const char* data, qsizetype size);
    void onReadFailed(int error);
    void onTlsFailed(const QString& why, bool handshaking);
    void onClosed();
    void onParsed(HttpResponseParser::Result result);
    void complete();
    void fail(QNetworkReply::NetworkError error, const QString& text);
    void protocolError(const QString& what);
    void end(bool reusable);

    QPointer<HttpClient> m_client;
    HttpRequest m_request;
    QByteArray m_wire; // m_request as sent, built on first use
    QString m_key; // the pool: [https + TLS settings] host:port
    QString m_peerKey; // host:port
    QString m_host;
    quint16 m_port = 80;
    QList<QHostAddress> m_addresses;
    int m_lookupId = -1;
    HttpConnection* m_connection = nullptr; // owned by the client; valid while m_client is
    HttpResponse m_response; // all but status, headers and body, which m_parser holds
    HttpResponseParser m_parser;
    State m_state = State::Resolving;
    bool m_reused = false;
    bool m_resent = false;
    bool m_starting = false;
};

} // namespace hd
