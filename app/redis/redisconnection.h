#pragma once

#include "config/config.h"
#include "redisreply.h"
#include "respdecoder.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <deque>
#include <functional>
#include <queue>
#include <vector>

class QSslSocket;

namespace hd {

// Why a command got no reply. A Redis error reply (-ERR ...) is not a failure
// here: it arrives as a RedisReply of type Error.
enum class RedisFailure {
    None,
    Refused, // could not connect: refused, unreachable, unknown host
    Timeout, // the command's deadline passed
    Tls, // handshake or certificate verification failed
    Protocol, // the server sent something that is not RESP; the connection was reset
    ConnectionLost, // the connection went away while the command waited for its reply
    AuthRejected, // AUTH failed while the connection was set up
    Misconfigured, // SELECT failed, or the TLS files could not be read
};

QString redisFailureName(RedisFailure failure);

struct RedisResponse {
    RedisReply reply;
    RedisFailure failure = RedisFailure::None;
    QString failureText;
    bool ok() const { return failure == RedisFailure::None; }
};

using RedisCallback = std::function<void(const RedisResponse&)>;

// One client connection to one Redis server, shared by every check on it.
// Fully asynchronous on the thread it lives on: commands are pipelined in
// order; each has a deadline after which its callback fails with Timeout even
// if the server never answers. After the server goes away the connection
// reconnects with exponential backoff, runs AUTH and SELECT again, and goes on.
class RedisConnection final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RedisConnection)
public:
    enum class State { Disconnected, Connecting, Handshaking, Ready, Backoff };
    Q_ENUM(State)

    explicit RedisConnection(const RedisServerConfig& server, QObject* parent = nullptr);
    ~RedisConnection() override;

    // Queues one command. `callback` runs exactly once, later, on this thread and
    // never from inside send(), unless `context` (if given) is destroyed first.
    // A destroyed connection calls nothing.
    void send(const QList<QByteArray>& argv, QDeadlineTimer deadline, QObject* context, RedisCallback callback);

    const RedisServerConfig& server() const { return m_server; }
    State state() const { return m_state; }
    bool isReady() const { return m_state == State::Ready; }
    QString peerAddress() const { return m_peerAddress; }
    // "main (127.0.0.1:6379)", for messages.
    QString label() const;
    // Why the last connection attempt or connection failed; empty while none did.
    QString lastError() const { return m_lastFailureText; }

    // Connects now rather than at the first command.
    void open();

    void setBackoff(qint64 minMs, qint64 maxMs);
    void setConnectTimeout(qint64 ms) { m_connectTimeoutMs = ms; }
    // A connection whose oldest command has timed out and that has read nothing
    // for this long is considered dead and reset (half-open TCP, hung server).
    void setStallTimeout(qint64 ms) { m_stallTimeoutMs = ms; }
    // The most reply bytes held unparsed at once (one reply being received plus
    // one socket read); a reply that needs more resets the connection.
    void setMaxReplyBytes(qint64 bytes) { m_maxReplyBytes = bytes; }
    qint64 maxReplyBytes() const { return m_maxReplyBytes; }

Q_SIGNALS:
    void stateChanged(hd::RedisConnection::State state);
    void connectionFailed(hd::RedisFailure failure, const QString& text);

private:
    struct Pending {
        QPointer<QObject> context;
        bool hasContext = false;
        bool sent = false;
        qint64 timeoutMs = 0;
        RedisCallback callback;
    };
    enum class Setup { None, Auth, Select };
    struct InFlight {
        quint64 id = 0;
        Setup setup = Setup::None;
    };
    using DeadlineEntry = std::pair<qint64, quint64>; // (deadline on m_clock, command id)

    void scheduleOpen();
    void startHandshake();
    void becomeReady();
    void onReadyRead();
    void onSocketError();
    void onSocketDisconnected();
    void onDeadline();
    void onStallCheck();
    void handleSetupReply(Setup setup, const RedisReply& reply);
    void dropConnection(RedisFailure failure, const QString& text);
    void failAll(RedisFailure failure, const QString& text);
    void failLater(quint64 id, RedisFailure failure, const QString& text);
    void write(const QByteArray& wire);
    void flush();
    void armDeadlineTimer();
    void setState(State state);
    bool configureTls(QString* error);
    static void deliver(const Pending& pending, const RedisResponse& response);

    RedisServerConfig m_server;
    State m_state = State::Disconnected;
    QSslSocket* m_socket = nullptr;
    RespDecoder m_decoder;
    QElapsedTimer m_clock;

    quint64 m_nextId = 0;
    QHash<quint64, Pending> m_pending;
    std::deque<std::pair<quint64, QByteArray>> m_unsent;
    std::deque<InFlight> m_inflight;
    std::priority_queue<DeadlineEntry, std::vector<DeadlineEntry>, std::greater<>> m_deadlines;
    QByteArray m_outBuffer;
    bool m_flushScheduled = false;
    bool m_openScheduled = false;
    quint64 m_generation = 0;

    int m_setupPending = 0;
    RedisFailure m_setupFailure = RedisFailure::None;
    QString m_setupFailureText;
    QString m_tlsErrorText;
    QString m_peerAddress;

    QTimer m_deadlineTimer;
    QTimer m_backoffTimer;
    QTimer m_connectTimer;
    QTimer m_stallTimer;
    bool m_readSinceStallArmed = false;

    qint64 m_minBackoffMs = 100;
    qint64 m_maxBackoffMs = 5000;
    qint64 m_nextBackoffMs = 100;
    qint64 m_connectTimeoutMs = 5000;
    qint64 m_stallTimeoutMs = 10'000;
    qint64 m_maxReplyBytes = 64LL * 1024 * 1024;
    qint64 m_readySince = -1;

    RedisFailure m_lastFailure = RedisFailure::None;
    QString m_lastFailureText;
};

} // namespace hd
