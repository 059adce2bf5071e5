#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTcpServer>
#include <QUrl>

class QTcpSocket;

namespace hdtest {

// One HTTP request as the server read it.
struct RecordedRequest {
    QByteArray method;
    QByteArray path;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QByteArray header(const QByteArray& name) const; // case-insensitive, empty if absent
};

// A loopback HTTP endpoint that misbehaves on purpose. Every mode answers each
// connection the same way; requests are recorded for the tests to inspect.
class HostileServer final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HostileServer)
public:
    enum class Mode {
        Hang, // accept and read, never answer
        SlowDrip, // headers (Content-Length 10000), then 1 body byte every 100 ms
        Garbage, // random bytes instead of HTTP, then close
        Reset, // read the request, then close with RST (SO_LINGER 0)
        EndlessBody, // 200 without Content-Length, body streams until the client goes
        HugeContentLength, // 200 with Content-Length 1 GiB, body streams until the client goes
        RedirectLoop, // 302 to the very same path, forever
        RedirectChain, // /redirect/N -> 302 /redirect/N-1 ... /redirect/0 -> Ok
        InvalidJson, // 200 application/json, truncated JSON
        InvalidUtf8, // 200 application/json, JSON with bytes that are not UTF-8
        Ok, // 200 application/json {"status":"ok"}
        Canned, // the bytes given to setCannedResponse(), then close
    };
    Q_ENUM(Mode)

    explicit HostileServer(Mode mode, QObject* parent = nullptr);
    ~HostileServer() override;

    bool listen(); // 127.0.0.1, ephemeral port
    quint16 port() const;
    QUrl url(const QString& path = QStringLiteral("/")) const;

    void setCannedResponse(const QByteArray& rawResponse);

    static QByteArray okBody();
    static QByteArray invalidJsonBody();
    static QByteArray invalidUtf8Body();

    qint64 bodyBytesSent() const { return m_bodyBytesSent; } // over all connections
    int connectionsAccepted() const { return m_accepted; }
    int openConnections() const { return m_open; }
    QList<RecordedRequest> requests() const { return m_requests; }

Q_SIGNALS:
    void requestReceived();
    void connectionClosed();

private:
    void onNewConnection();
    void onReadyRead(QTcpSocket* socket);
    void respond(QTcpSocket* socket, const RecordedRequest& request);
    void startStreaming(QTcpSocket* socket, const QByteArray& head);
    void writeAndClose(QTcpSocket* socket, const QByteArray& data);

    QTcpServer m_server;
    Mode m_mode;
    QByteArray m_canned;
    QList<RecordedRequest> m_requests;
    qint64 m_bodyBytesSent = 0;
    int m_accepted = 0;
    int m_open = 0;
};

} // namespace hdtest
