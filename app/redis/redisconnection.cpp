#include "redisconnection.h"

#include "core/duration.h"

#include <QFile>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <algorithm>
#include <limits>

namespace hd {

QString redisFailureName(RedisFailure failure)
{
    switch (failure) {
    case RedisFailure::None:
        return QStringLiteral("none");
    case RedisFailure::Refused:
        return QStringLiteral("refused");
    case RedisFailure::Timeout:
        return QStringLiteral("timeout");
    case RedisFailure::Tls:
        return QStringLiteral("tls");
    case RedisFailure::Protocol:
        return QStringLiteral("protocol");
    case RedisFailure::ConnectionLost:
        return QStringLiteral("connection-lost");
    case RedisFailure::AuthRejected:
        return QStringLiteral("auth-rejected");
    case RedisFailure::Misconfigured:
        return QStringLiteral("misconfigured");
    }
    return {};
}

RedisConnection::RedisConnection(const RedisServerConfig& server, QObject* parent)
    : QObject(parent)
    , m_server(server)
{
    m_clock.start();
    m_deadlineTimer.setSingleShot(true);
    m_deadlineTimer.setTimerType(Qt::PreciseTimer);
    m_backoffTimer.setSingleShot(true);
    m_connectTimer.setSingleShot(true);
    m_stallTimer.setSingleShot(true);
    connect(&m_deadlineTimer, &QTimer::timeout, this, &RedisConnection::onDeadline);
    connect(&m_backoffTimer, &QTimer::timeout, this, &RedisConnection::open);
    connect(&m_stallTimer, &QTimer::timeout, this, &RedisConnection::onStallCheck);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        dropConnection(RedisFailure::Timeout,
            u"connecting to redis " + label() + u" took longer than " + formatDurationMs(m_connectTimeoutMs));
    });
}

RedisConnection::~RedisConnection()
{
    // Nothing is called back from here: the owners of the callbacks may be half destroyed.
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

QString RedisConnection::label() const
{
    return m_server.name + u" (" + m_server.host + u':' + QString::number(m_server.port) + u')';
}

void RedisConnection::setBackoff(qint64 minMs, qint64 maxMs)
{
    m_minBackoffMs = qMax<qint64>(1, minMs);
    m_maxBackoffMs = qMax(m_minBackoffMs, maxMs);
    m_nextBackoffMs = m_minBackoffMs;
}

void RedisConnection::send(
    const QList<QByteArray>& argv, QDeadlineTimer deadline, QObject* context, RedisCallback callback)
{
    const quint64 id = ++m_nextId;
    const qint64 remaining = deadline.isForever() ? std::numeric_limits<qint64>::max() / 4 : deadline.remainingTime();
    Pending pending;
    pending.context = context;
    pending.hasContext = context != nullptr;
    pending.timeoutMs = remaining;
    pending.callback = std::move(callback);
    m_pending.insert(id, std::move(pending));
    m_deadlines.emplace(m_clock.elapsed() + remaining, id);
    armDeadlineTimer();

    const QByteArray wire = formatRedisCommand(argv);
    switch (m_state) {
    case State::Ready:
        m_pending[id].sent = true;
        m_inflight.push_back({ id, Setup::None });
        write(wire);
        break;
    case State::Connecting:
    case State::Handshaking:
        m_unsent.emplace_back(id, wire);
        break;
    case State::Disconnected:
        m_unsent.emplace_back(id, wire);
        scheduleOpen();
        break;
    case State::Backoff:
        // Wait for the next attempt only when it comes before the deadline;
        // otherwise the server is known to be unreachable right now: say so at once.
        if (m_backoffTimer.remainingTime() < remaining) {
            m_unsent.emplace_back(id, wire);
        } else {
            failLater(id, m_lastFailure,
                m_lastFailureText + u" (next attempt in " + formatDurationMs(m_backoffTimer.remainingTime()) + u')');
        }
        break;
    }
}

void RedisConnection::scheduleOpen()
{
    if (m_openScheduled)
        return;
    m_openScheduled = true;
    // Never connect from inside send(): a synchronous socket error would call back too early.
    QMetaObject::invokeMethod(this, &RedisConnection::open, Qt::QueuedConnection);
}

void RedisConnection::open()
{
    m_openScheduled = false;
    if (m_state != State::Disconnected && m_state != State::Backoff)
        return;
    m_backoffTimer.stop();
    m_tlsErrorText.clear();
    m_peerAddress.clear();
    m_decoder.reset();

    m_socket = new QSslSocket(this);
    m_socket->setSocketOption(QAbstractSocket::KeepAliveOption, 1);
    // Bounded chunks: an oversized reply is noticed and refused before it is all in memory.
    m_socket->setReadBufferSize(4 * 1024 * 1024);
    connect(m_socket, &QSslSocket::readyRead, this, &RedisConnection::onReadyRead);
    connect(m_socket, &QSslSocket::errorOccurred, this, &RedisConnection::onSocketError);
    connect(m_socket, &QSslSocket::disconnected, this, &RedisConnection::onSocketDisconnected);
    connect(m_socket, &QSslSocket::sslErrors, this, [this](const QList<QSslError>& errors) {
        QStringList texts;
        for (const QSslError& e : errors)
            texts << e.errorString();
        m_tlsErrorText = texts.join(QStringLiteral("; "));
    });
    setState(State::Connecting);
    m_connectTimer.start(int(m_connectTimeoutMs));

    if (m_server.tls) {
        QString error;
        if (!configureTls(&error)) {
            const quint64 generation = m_generation;
            QMetaObject::invokeMethod(
                this,
                [this, generation, error] {
                    if (generation == m_generation)
                        dropConnection(RedisFailure::Misconfigured, error);
                },
                Qt::QueuedConnection);
            return;
        }
        connect(m_socket, &QSslSocket::encrypted, this, &RedisConnection::startHandshake);
        m_socket->connectToHostEncrypted(m_server.host, m_server.port);
    } else {
        connect(m_socket, &QSslSocket::connected, this, &RedisConnection::startHandshake);
        m_socket->connectToHost(m_server.host, m_server.port);
    }
}

bool RedisConnection::configureTls(QString* error)
{
    if (!QSslSocket::supportsSsl()) {
        *error = QStringLiteral("TLS is not available (no TLS backend for Qt)");
        return false;
    }
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    const TlsClientConfig& files = m_server.tlsFiles;
    if (!files.caFile.isEmpty()) {
        const QList<QSslCertificate> cas = QSslCertificate::fromPath(files.caFile, QSsl::Pem);
        if (cas.isEmpty()) {
            *error = u"cannot read a CA certificate from " + files.caFile;
            return false;
        }
        conf.addCaCertificates(cas);
    }
    if (!files.certFile.isEmpty() || !files.keyFile.isEmpty()) {
        const QList<QSslCertificate> certs = QSslCertificate::fromPath(files.certFile, QSsl::Pem);
        if (certs.isEmpty()) {
            *error = u"cannot read a client certificate from " + files.certFile;
            return false;
        }
        QFile keyFile(files.keyFile.isEmpty() ? files.certFile : files.keyFile);
        if (!keyFile.open(QIODevice::ReadOnly)) {
            *error = u"cannot read the client key " + keyFile.fileName() + u": " + keyFile.errorString();
            return false;
        }
        const QByteArray pem = keyFile.readAll();
        QSslKey key(pem, QSsl::Rsa);
        if (key.isNull())
            key = QSslKey(pem, QSsl::Ec);
        if (key.isNull()) {
            *error = u"cannot read a private key (RSA or EC, PEM, unencrypted) from " + keyFile.fileName();
            return false;
        }
        conf.setLocalCertificate(certs.first());
        conf.setPrivateKey(key);
    }
    if (files.insecure)
        conf.setPeerVerifyMode(QSslSocket::VerifyNone);
    m_socket->setSslConfiguration(conf);
    return true;
}

void RedisConnection::startHandshake()
{
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_peerAddress = m_socket->peerAddress().toString();
    setState(State::Handshaking);
    m_setupPending = 0;
    m_setupFailure = RedisFailure::None;
    m_setupFailureText.clear();
    if (!m_server.password.isEmpty()) {
        QList<QByteArray> auth { QByteArrayLiteral("AUTH") };
        if (!m_server.username.isEmpty())
            auth << m_server.username.toUtf8();
        auth << m_server.password.toUtf8();
        m_inflight.push_back({ 0, Setup::Auth });
        write(formatRedisCommand(auth));
        ++m_setupPending;
    }
    if (m_server.db != 0) {
        m_inflight.push_back({ 0, Setup::Select });
        write(formatRedisCommand({ QByteArrayLiteral("SELECT"), QByteArray::number(m_server.db) }));
        ++m_setupPending;
    }
    if (m_setupPending == 0)
        becomeReady();
}

void RedisConnection::handleSetupReply(Setup setup, const RedisReply& reply)
{
    if (reply.isError() && m_setupFailure == RedisFailure::None) {
        m_setupFailure = setup == Setup::Auth ? RedisFailure::AuthRejected : RedisFailure::Misconfigured;
        m_setupFailureText = QString::fromUtf8(reply.bytes());
    }
    if (--m_setupPending > 0)
        return;
    if (m_setupFailure != RedisFailure::None)
        dropConnection(m_setupFailure, m_setupFailureText);
    else
        becomeReady();
}

void RedisConnection::becomeReady()
{
    m_connectTimer.stop();
    m_readySince = m_clock.elapsed();
    setState(State::Ready);
    std::deque<std::pair<quint64, QByteArray>> unsent;
    unsent.swap(m_unsent);
    for (const auto& [id, wire] : unsent) {
        const auto it = m_pending.find(id);
        if (it == m_pending.end())
            continue; // timed out while waiting for the connection
        it->sent = true;
        m_inflight.push_back({ id, Setup::None });
        write(wire);
    }
}

void RedisConnection::onReadyRead()
{
    if (!m_socket)
        return;
    m_readSinceStallArmed = true;
    const quint64 generation = m_generation;
    const QByteArray data = m_socket->readAll();
    // Reads come in chunks of at most the socket's read buffer, so only a hostile
    // or oversized reply can push the unparsed total past the limit.
    if (m_decoder.bufferedBytes() + data.size() > m_maxReplyBytes) {
        dropConnection(RedisFailure::Protocol,
            u"reply from redis " + label() + u" exceeds " + QString::number(m_maxReplyBytes)
                + u" bytes; connection reset");
        return;
    }
    const QList<RedisReply> replies = m_decoder.feed(data);
    for (const RedisReply& reply : replies) {
        if (m_inflight.empty()) {
            dropConnection(RedisFailure::Protocol,
                u"protocol error from redis " + label() + u": unexpected reply " + reply.toDebugString());
            return;
        }
        const InFlight head = m_inflight.front();
        m_inflight.pop_front();
        if (head.setup != Setup::None) {
            handleSetupReply(head.setup, reply);
        } else {
            // A good answer proves the server is back: the next loss retries quickly again.
            m_nextBackoffMs = m_minBackoffMs;
            const auto it = m_pending.find(head.id);
            if (it != m_pending.end()) {
                const Pending pending = std::move(*it);
                m_pending.erase(it);
                deliver(pending, RedisResponse { reply, RedisFailure::None, {} });
            }
        }
        if (generation != m_generation)
            return; // a callback or the setup reset the connection
    }
    if (m_decoder.hasError())
        dropConnection(
            RedisFailure::Protocol, u"protocol error from redis " + label() + u": " + m_decoder.errorString());
}

void RedisConnection::onSocketError()
{
    if (!m_socket)
        return;
    const QAbstractSocket::SocketError error = m_socket->error();
    const bool wasConnecting = m_state == State::Connecting;
    switch (error) {
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        dropConnection(RedisFailure::Tls,
            u"TLS with redis " + label() + u" failed: "
                + (m_tlsErrorText.isEmpty() ? m_socket->errorString() : m_tlsErrorText));
        return;
    case QAbstractSocket::RemoteHostClosedError:
        if (!wasConnecting) {
            dropConnection(RedisFailure::ConnectionLost, u"redis " + label() + u" closed the connection");
            return;
        }
        break;
    default:
        break;
    }
    if (wasConnecting) {
        const QString what = error == QAbstractSocket::ConnectionRefusedError ? QStringLiteral("connection refused")
                                                                              : m_socket->errorString();
        dropConnection(RedisFailure::Refused, u"cannot connect to redis " + label() + u": " + what);
    } else {
        dropConnection(
            RedisFailure::ConnectionLost, u"connection to redis " + label() + u" lost: " + m_socket->errorString());
    }
}

void RedisConnection::onSocketDisconnected()
{
    if (m_state == State::Ready || m_state == State::Handshaking)
        dropConnection(RedisFailure::ConnectionLost, u"redis " + label() + u" closed the connection");
}

void RedisConnection::dropConnection(RedisFailure failure, const QString& text)
{
    if (m_state == State::Backoff || m_state == State::Disconnected)
        return;
    const bool wasReady = m_state == State::Ready;
    ++m_generation;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    m_decoder.reset();
    m_outBuffer.clear();
    m_connectTimer.stop();
    m_stallTimer.stop();
    m_lastFailure = failure;
    m_lastFailureText = text;

    // A connection that had been fine for a while is retried at once (an idle
    // timeout, a restart); anything else backs off exponentially.
    qint64 delay = m_nextBackoffMs;
    if (wasReady && failure == RedisFailure::ConnectionLost && m_clock.elapsed() - m_readySince >= 1000)
        delay = 0;
    else
        m_nextBackoffMs = qMin(m_maxBackoffMs, m_nextBackoffMs * 2);
    setState(State::Backoff);
    m_backoffTimer.start(int(delay));
    Q_EMIT connectionFailed(failure, text);
    failAll(failure, text);
}

void RedisConnection::failAll(RedisFailure failure, const QString& text)
{
    QHash<quint64, Pending> pending;
    pending.swap(m_pending);
    m_unsent.clear();
    m_inflight.clear();
    m_deadlines = {};
    m_deadlineTimer.stop();
    QList<quint64> ids = pending.keys();
    std::sort(ids.begin(), ids.end()); // oldest command first
    for (quint64 id : ids)
        deliver(pending.value(id), RedisResponse { RedisReply::nil(), failure, text });
}

void RedisConnection::failLater(quint64 id, RedisFailure failure, const QString& text)
{
    const Pending pending = m_pending.take(id);
    QMetaObject::invokeMethod(
        this,
        [pending, failure, text] {
            deliver(pending, RedisResponse { RedisReply::nil(), failure, text });
        },
        Qt::QueuedConnection);
}

void RedisConnection::deliver(const Pending& pending, const RedisResponse& response)
{
    if (pending.hasContext && !pending.context)
        return;
    if (pending.callback)
        pending.callback(response);
}

void RedisConnection::onDeadline()
{
    const qint64 now = m_clock.elapsed();
    bool timedOutInFlight = false;
    while (!m_deadlines.empty() && m_deadlines.top().first <= now) {
        const quint64 id = m_deadlines.top().second;
        m_deadlines.pop();
        const auto it = m_pending.find(id);
        if (it == m_pending.end())
            continue; // answered already
        const Pending pending = std::move(*it);
        m_pending.erase(it);
        const QString within = formatDurationMs(qMax<qint64>(0, pending.timeoutMs));
        QString text;
        if (pending.sent) {
            timedOutInFlight = true;
            text = u"no reply from redis " + label() + u" within " + within;
        } else if (m_state == State::Backoff && !m_lastFailureText.isEmpty()) {
            text = u"no connection to redis " + label() + u" within " + within + u" (" + m_lastFailureText + u')';
        } else {
            text = u"could not connect to redis " + label() + u" within " + within;
        }
        deliver(pending, RedisResponse { RedisReply::nil(), RedisFailure::Timeout, text });
    }
    if (timedOutInFlight && !m_stallTimer.isActive() && m_state == State::Ready) {
        m_readSinceStallArmed = false;
        m_stallTimer.start(int(m_stallTimeoutMs));
    }
    armDeadlineTimer();
}

void RedisConnection::onStallCheck()
{
    if (m_state != State::Ready || m_inflight.empty())
        return;
    if (!m_readSinceStallArmed) {
        dropConnection(RedisFailure::ConnectionLost,
            u"redis " + label() + u" stopped answering (nothing received for " + formatDurationMs(m_stallTimeoutMs)
                + u"); connection reset");
        return;
    }
    // Still waiting behind a timed-out command: keep watching.
    if (!m_pending.contains(m_inflight.front().id)) {
        m_readSinceStallArmed = false;
        m_stallTimer.start(int(m_stallTimeoutMs));
    }
}

void RedisConnection::armDeadlineTimer()
{
    // Answered commands stay in the heap until their deadline; skip them here.
    while (!m_deadlines.empty() && !m_pending.contains(m_deadlines.top().second))
        m_deadlines.pop();
    if (m_deadlines.empty()) {
        m_deadlineTimer.stop();
        return;
    }
    const qint64 wait = qMax<qint64>(0, m_deadlines.top().first - m_clock.elapsed());
    const int waitMs = int(qMin<qint64>(wait, std::numeric_limits<int>::max()));
    if (!m_deadlineTimer.isActive() || m_deadlineTimer.remainingTime() > waitMs)
        m_deadlineTimer.start(waitMs);
}

void RedisConnection::write(const QByteArray& wire)
{
    m_outBuffer += wire;
    if (m_flushScheduled)
        return;
    // Coalesce everything queued in one event-loop pass into one socket write.
    m_flushScheduled = true;
    QMetaObject::invokeMethod(this, &RedisConnection::flush, Qt::QueuedConnection);
}

void RedisConnection::flush()
{
    m_flushScheduled = false;
    if (m_socket && !m_outBuffer.isEmpty()) {
        m_socket->write(m_outBuffer);
        m_outBuffer.clear();
    }
}

void RedisConnection::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

} // namespace hd
